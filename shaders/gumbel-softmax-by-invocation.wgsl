// Gumbel-Softmax forward with one invocation per sample-row, so a workgroup packs WG rows and needs no
// reduction or barrier: used for short rows (K <= SHORT_K, the architecture-search case of many edges with
// few operations) on every adapter, and for rows of any length on adapters that run on the CPU, where
// the workgroup-per-row kernels, with their barriers and reductions, ran several times slower
// (src/ops/row-layout.ts).
// Between the passes v stays in named values for rows of at most 4 Philox blocks (FEW_BLOCKS), and goes
// through the stash (or is regenerated) for longer ones: on SwiftShader that measured faster than keeping a
// row's blocks in a private array (4096 x 8: 2.6 against 3.5 ms through Dawn).
//!include dispatch.wgsl
//!include softmax-outputs.wgsl
//!include forward-bindings.wgsl
//!include row-by-invocation.wgsl

override WG: u32 = 64u;

// Rows that span at most 4 Philox blocks (K <= 13: architecture search's few operations per edge, a
// categorical VAE's 10 classes) keep v in four named values between the passes, when pass 2 needs v: no loop
// over blocks, no stash, no branch on the row's own block count. The host sets FEW_BLOCKS to the most blocks
// any row of the dispatch spans (row-layout.ts, fewBlocks), or 0 for the loop below; a row that spans fewer
// finds every lane of its extra block outside the row. Through Dawn on SwiftShader, forward soft at 4096 x 8,
// 2.39 -> 1.80 ms (aligned rows, 2 blocks each) and 3.26 -> 2.70 (3 blocks); the loop and the stash cost
// more there than the noise of a whole row.
override FEW_BLOCKS: u32 = 0u;

// v of block br as the stash keeps it (-inf where masked or outside the row), and whether a lane is invalid.
struct FewBlock {
  v: vec4f,
  bad: bool,
}

fn few_block(row: RowSetup, br: u32, logit_row: u32) -> FewBlock {
  let x = row_lanes(row.pos, row.lead, br, logit_row);
  return FewBlock(v_to_store(x), any(x.kind == vec4u(INVALID)));
}

fn few_masked(v: vec4f) -> vec4<bool> {
  return bitcast<vec4u>(v) == vec4u(NEG_INF_BITS);
}

fn few_max(v: vec4f) -> f32 {
  let w = select(v, vec4f(-F32_MAX), few_masked(v));
  return max(max(w.x, w.y), max(w.z, w.w));
}

// The lowest lane whose unmasked v equals m, or 4 when none does.
fn few_lane_at(v: vec4f, m: f32) -> u32 {
  let top = !few_masked(v) & (v == vec4f(m));
  return select(select(select(select(4u, 3u, top.w), 2u, top.z), 1u, top.y), 0u, top.x);
}

fn few_sum(v: vec4f, m: f32, tau: f32) -> f32 {
  let e = exp(max(scaled_diff(v, vec4f(m), tau), vec4f(EXP_FLOOR)));
  return dot(select(e, vec4f(0.0), few_masked(v)), vec4f(1.0));
}

fn few_write(v: vec4f, br: u32, row: RowSetup, out_row: u32, total: RowState, ln_s: f32, row_ok: bool) {
  write_lanes(lanes_from_v(v, lane_k(br, row.lead)), br, row.lead, out_row, total, ln_s, row.tau, row_ok);
}

// The whole forward of a row of at most FEW_BLOCKS blocks: its max, then its sum relative to that max (two
// passes over registers instead of the online rescaling), its argmax, and the outputs.
fn few_blocks_row(row: RowSetup, logit_row: u32, out_row: u32) {
  let b0 = few_block(row, 0u, logit_row);
  var b1 = FewBlock(vec4f(f32_from_bits(NEG_INF_BITS)), false);
  var b2 = b1;
  var b3 = b1;
  if (FEW_BLOCKS > 1u) {
    b1 = few_block(row, 1u, logit_row);
  }
  if (FEW_BLOCKS > 2u) {
    b2 = few_block(row, 2u, logit_row);
  }
  if (FEW_BLOCKS > 3u) {
    b3 = few_block(row, 3u, logit_row);
  }
  var total = state_empty();
  total.m = max(max(few_max(b0.v), few_max(b1.v)), max(few_max(b2.v), few_max(b3.v)));
  let l0 = few_lane_at(b0.v, total.m);
  let l1 = few_lane_at(b1.v, total.m);
  let l2 = few_lane_at(b2.v, total.m);
  let l3 = few_lane_at(b3.v, total.m);
  // The first lane at the max in block order, counted from the first block's lane 0; 16 when none is finite.
  let at = select(select(select(select(16u, 12u + l3, l3 < 4u), 8u + l2, l2 < 4u), 4u + l1, l1 < 4u), l0, l0 < 4u);
  total.k = at - row.lead;
  total.count = select(0u, 1u, at < 16u); // row_valid asks only whether any element is finite
  total.bad = select(0u, 1u, b0.bad || b1.bad || b2.bad || b3.bad);
  total.s = few_sum(b0.v, total.m, row.tau) + few_sum(b1.v, total.m, row.tau) + few_sum(b2.v, total.m, row.tau) + few_sum(b3.v, total.m, row.tau);
  let row_ok = row_valid(total, row.tau);
  let ln_s = ln_accurate(max(total.s, 1.0));
  few_write(b0.v, 0u, row, out_row, total, ln_s, row_ok);
  if (FEW_BLOCKS > 1u) {
    few_write(b1.v, 1u, row, out_row, total, ln_s, row_ok);
  }
  if (FEW_BLOCKS > 2u) {
    few_write(b2.v, 2u, row, out_row, total, ln_s, row_ok);
  }
  if (FEW_BLOCKS > 3u) {
    few_write(b3.v, 3u, row, out_row, total, ln_s, row_ok);
  }
  if (WRITE_INDEX) {
    index_out[row.g - params.index_base] = select(NO_INDEX, total.k, row_ok);
  }
}

// Folds blocks [first, end) of a row into st, keeping v in the stash for pass 2.
fn fold_blocks(st: ptr<function, RowState>, row: RowSetup, logit_row: u32, out_row: u32, first: u32, end: u32) {
  for (var br = first; br < end; br++) {
    let x = row_lanes(row.pos, row.lead, br, logit_row);
    if (stashing()) {
      stash_store(x, br, row.lead, out_row);
    }
    push_lanes(st, x, br, row.lead, row.tau, vec4f(), vec4f());
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let q = flat_index(gid, groups, WG);
  if (q >= params.rows) {
    return;
  }
  let row = row_setup(q);
  let logit_row = row.r * params.k - params.logit_base;
  let out_row = row.g * params.k - params.out_base;

  if (FEW_BLOCKS > 0u && needs_v()) {
    few_blocks_row(row, logit_row, out_row);
    return;
  }
  let total = fold_row(row, logit_row, out_row);
  let row_ok = row_valid(total, row.tau);
  let ln_s = ln_accurate(max(total.s, 1.0));
  for (var br = 0u; br < row.blocks; br++) {
    var x: Lanes; // left empty when a hard y is the only output
    if (needs_v()) {
      if (stashing()) {
        x = stash_load(br, row.lead, out_row);
      } else {
        x = row_lanes(row.pos, row.lead, br, logit_row);
      }
    }
    write_lanes(x, br, row.lead, out_row, total, ln_s, row.tau, row_ok);
  }
  if (WRITE_INDEX) {
    index_out[row.g - params.index_base] = select(NO_INDEX, total.k, row_ok);
  }
}

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
//!include row-few-blocks.wgsl

override WG: u32 = 64u;

// The lowest lane whose unmasked v equals m, or 4 when none does.
fn few_lane_at(v: vec4f, m: f32) -> u32 {
  let top = !few_masked(v) & (v == vec4f(m));
  return select(select(select(select(4u, 3u, top.w), 2u, top.z), 1u, top.y), 0u, top.x);
}

// The forward of a row of at most FEW_BLOCKS blocks (row-few-blocks.wgsl).
fn few_blocks_row(row: RowSetup, logit_row: u32, out_row: u32) {
  let b0 = few_block(row, 0u, logit_row);
  var b1 = few_outside();
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
  var total = few_state(b0, b1, b2, b3);
  let e = few_exp(b0.v, total.m, row.tau) + few_exp(b1.v, total.m, row.tau) + few_exp(b2.v, total.m, row.tau) + few_exp(b3.v, total.m, row.tau);
  total.s = dot(e, vec4f(1.0));
  let l0 = few_lane_at(b0.v, total.m);
  let l1 = few_lane_at(b1.v, total.m);
  let l2 = few_lane_at(b2.v, total.m);
  let l3 = few_lane_at(b3.v, total.m);
  // The first lane at the max in block order, from the first block's lane 0 (16 when no element is finite).
  total.k = select(select(select(select(16u, 12u + l3, l3 < 4u), 8u + l2, l2 < 4u), 4u + l1, l1 < 4u), l0, l0 < 4u) - row.lead;
  let row_ok = row_valid(total, row.tau);
  let ln_s = ln_accurate(max(total.s, 1.0));
  write_lanes(few_lanes(b0, 0u, row.lead), 0u, row.lead, out_row, total, ln_s, row.tau, row_ok);
  if (FEW_BLOCKS > 1u && row.blocks > 1u) { // a block wholly outside the row stores nothing
    write_lanes(few_lanes(b1, 1u, row.lead), 1u, row.lead, out_row, total, ln_s, row.tau, row_ok);
  }
  if (FEW_BLOCKS > 2u && row.blocks > 2u) {
    write_lanes(few_lanes(b2, 2u, row.lead), 2u, row.lead, out_row, total, ln_s, row.tau, row_ok);
  }
  if (FEW_BLOCKS > 3u && row.blocks > 3u) {
    write_lanes(few_lanes(b3, 3u, row.lead), 3u, row.lead, out_row, total, ln_s, row.tau, row_ok);
  }
  if (WRITE_INDEX) {
    index_out[row.g - params.index_base] = select(NO_INDEX, total.k, row_ok);
  }
}

// Whether this dispatch takes few_blocks_row. A hard y alone (no v in pass 2) keeps the loop at 3 or 4
// blocks per row, where the straight-line path measured slower for it, and takes the path at 1 or 2.
fn few_blocks_path() -> bool {
  return FEW_BLOCKS > 0u && (needs_v() || FEW_BLOCKS <= 2u);
}

// Folds blocks [first, end) of a row into st, keeping v in the stash for pass 2.
fn fold_blocks(st: ptr<function, RowState>, row: RowSetup, logit_row: u32, out_row: u32, first: u32, end: u32) {
  for (var br = first; br < end; br++) {
    let x = row_lanes(row.first_block, row.lead, br, logit_row);
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

  if (few_blocks_path()) {
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
        x = row_lanes(row.first_block, row.lead, br, logit_row);
      }
    }
    write_lanes(x, br, row.lead, out_row, total, ln_s, row.tau, row_ok);
  }
  if (WRITE_INDEX) {
    index_out[row.g - params.index_base] = select(NO_INDEX, total.k, row_ok);
  }
}

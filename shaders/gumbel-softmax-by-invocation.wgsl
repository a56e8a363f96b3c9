// Gumbel-Softmax forward with one invocation per sample-row, so a workgroup packs WG rows and needs no
// reduction or barrier: used for short rows (K <= SHORT_K, the architecture-search case of many edges with
// few operations) on every adapter, and for rows of any length on adapters that run on the CPU, where
// the workgroup-per-row kernels, with their barriers and reductions, ran several times slower
// (src/ops/row-layout.ts).
// Between the passes v goes through the stash (or is regenerated): on SwiftShader that measured faster than
// keeping the row's blocks in a private array (4096 x 8: 2.6 against 3.5 ms through Dawn).
//!include dispatch.wgsl
//!include softmax-outputs.wgsl
//!include forward-bindings.wgsl
//!include row-by-invocation.wgsl

override WG: u32 = 64u;

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

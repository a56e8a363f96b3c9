// Gumbel-Softmax backward with one invocation per row of one sample, for the rows the forward handles so
// (gumbel-softmax-by-invocation.wgsl). Between the passes v goes through the stash in dLogits (or is
// regenerated when accumulating); dy and dl are read again.
//!include dispatch.wgsl
//!include softmax-backward.wgsl
//!include backward-bindings.wgsl
//!include row-by-invocation.wgsl

override WG: u32 = 64u;

// Folds blocks [first, end) of a row and their gradients into st, keeping v in the stash for pass 2.
fn fold_blocks(st: ptr<function, RowState>, row: RowSetup, logit_row: u32, grad_row: u32, first: u32, end: u32) {
  for (var br = first; br < end; br++) {
    let x = row_lanes(row.pos, row.lead, br, logit_row);
    let gr = read_grads(br, row.lead, grad_row);
    if (stashing()) {
      stash_store(x, br, row.lead, logit_row);
    }
    push_lanes(st, x, br, row.lead, row.tau, gr.dy, gr.dl);
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
  let grad_row = row.g * params.k - params.out_base;

  let total = fold_row(row, logit_row, grad_row);
  let row_ok = row_valid(total, row.tau);
  let ln_s = ln_accurate(max(total.s, 1.0));
  for (var br = 0u; br < row.blocks; br++) {
    var x: Lanes;
    if (stashing()) {
      x = stash_load(br, row.lead, logit_row);
    } else {
      x = row_lanes(row.pos, row.lead, br, logit_row);
    }
    write_grads(x, read_grads(br, row.lead, grad_row), br, row.lead, logit_row, total, ln_s, row.tau, row_ok);
  }
}

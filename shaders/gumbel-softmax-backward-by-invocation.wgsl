// Gumbel-Softmax backward with one invocation per row of one sample, for the rows the forward handles so
// (gumbel-softmax-by-invocation.wgsl). Between the passes v and dy and dl stay in registers for rows of at
// most 4 Philox blocks (row-few-blocks.wgsl); for longer rows v goes through the stash in dLogits (or is
// regenerated when accumulating), and dy and dl are read again.
//!include dispatch.wgsl
//!include softmax-backward.wgsl
//!include backward-bindings.wgsl
//!include row-by-invocation.wgsl
//!include row-few-blocks.wgsl

override WG: u32 = 64u;

// The backward of a row of at most FEW_BLOCKS blocks (row-few-blocks.wgsl): v and the upstream gradients
// stay in registers between the passes.
fn few_blocks_row(row: RowSetup, logit_row: u32, grad_row: u32) {
  let b0 = few_block(row, 0u, logit_row);
  let g0 = read_grads(0u, row.lead, grad_row);
  var b1 = few_outside();
  var b2 = b1;
  var b3 = b1;
  var g1 = Grads(vec4f(0.0), vec4f(0.0));
  var g2 = g1;
  var g3 = g1;
  if (FEW_BLOCKS > 1u) {
    b1 = few_block(row, 1u, logit_row);
    g1 = read_grads(1u, row.lead, grad_row);
  }
  if (FEW_BLOCKS > 2u) {
    b2 = few_block(row, 2u, logit_row);
    g2 = read_grads(2u, row.lead, grad_row);
  }
  if (FEW_BLOCKS > 3u) {
    b3 = few_block(row, 3u, logit_row);
    g3 = read_grads(3u, row.lead, grad_row);
  }
  var total = few_state(b0, b1, b2, b3);
  let e0 = few_exp(b0.v, total.m, row.tau);
  let e1 = few_exp(b1.v, total.m, row.tau);
  let e2 = few_exp(b2.v, total.m, row.tau);
  let e3 = few_exp(b3.v, total.m, row.tau);
  total.s = dot(e0 + e1 + e2 + e3, vec4f(1.0)); // as the forward's
  // dy where masked is left out, as in push_lanes (e is 0 there, but dy may not be finite).
  total.dot = dot(few_dy(b0, g0), e0) + dot(few_dy(b1, g1), e1) + dot(few_dy(b2, g2), e2) + dot(few_dy(b3, g3), e3);
  total.sum_dl = dot(g0.dl + g1.dl + g2.dl + g3.dl, vec4f(1.0));
  let row_ok = row_valid(total, row.tau);
  let ln_s = ln_accurate(max(total.s, 1.0));
  write_grads(few_lanes(b0, 0u, row.lead), g0, 0u, row.lead, logit_row, total, ln_s, row.tau, row_ok);
  if (FEW_BLOCKS > 1u && row.blocks > 1u) { // a block wholly outside the row stores nothing
    write_grads(few_lanes(b1, 1u, row.lead), g1, 1u, row.lead, logit_row, total, ln_s, row.tau, row_ok);
  }
  if (FEW_BLOCKS > 2u && row.blocks > 2u) {
    write_grads(few_lanes(b2, 2u, row.lead), g2, 2u, row.lead, logit_row, total, ln_s, row.tau, row_ok);
  }
  if (FEW_BLOCKS > 3u && row.blocks > 3u) {
    write_grads(few_lanes(b3, 3u, row.lead), g3, 3u, row.lead, logit_row, total, ln_s, row.tau, row_ok);
  }
}

fn few_dy(b: FewBlock, g: Grads) -> vec4f {
  return select(g.dy, vec4f(0.0), few_masked(b.v));
}

// Folds blocks [first, end) of a row and their gradients into st, keeping v in the stash for pass 2.
fn fold_blocks(st: ptr<function, RowState>, row: RowSetup, logit_row: u32, grad_row: u32, first: u32, end: u32) {
  for (var br = first; br < end; br++) {
    let x = row_lanes(row.first_block, row.lead, br, logit_row);
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

  if (FEW_BLOCKS > 0u) {
    few_blocks_row(row, logit_row, grad_row);
    return;
  }
  let total = fold_row(row, logit_row, grad_row);
  let row_ok = row_valid(total, row.tau);
  let ln_s = ln_accurate(max(total.s, 1.0));
  for (var br = 0u; br < row.blocks; br++) {
    var x: Lanes;
    if (stashing()) {
      x = stash_load(br, row.lead, logit_row);
    } else {
      x = row_lanes(row.first_block, row.lead, br, logit_row);
    }
    write_grads(x, read_grads(br, row.lead, grad_row), br, row.lead, logit_row, total, ln_s, row.tau, row_ok);
  }
}

// Gumbel-Softmax backward for short rows (K <= SHORT_K), one invocation per row of one sample. Between the
// passes v goes through the stash in dLogits (or is regenerated when accumulating); dy and dl are read again.
//!include dispatch.wgsl
//!include softmax-backward.wgsl
//!include backward-bindings.wgsl

const WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let q = flat_index(gid, groups, WG);
  if (q >= params.rows) {
    return;
  }
  let row = row_setup(q);
  let logit_row = row.r * params.k - params.logit_base;
  let grad_row = row.g * params.k - params.out_base;

  var st = state_empty();
  for (var br = 0u; br < row.blocks; br++) {
    let x = row_lanes(row.pos, row.lead, br, logit_row);
    let gr = read_grads(br, row.lead, grad_row);
    if (stashing()) {
      stash_store(x, br, row.lead, logit_row);
    }
    push_lanes(&st, x, br, row.lead, row.tau, gr.dy, gr.dl);
  }
  let row_ok = row_valid(st, row.tau);
  let ln_s = ln_accurate(max(st.s, 1.0));
  for (var br = 0u; br < row.blocks; br++) {
    var x: Lanes;
    if (stashing()) {
      x = stash_load(br, row.lead, logit_row);
    } else {
      x = row_lanes(row.pos, row.lead, br, logit_row);
    }
    write_grads(x, read_grads(br, row.lead, grad_row), br, row.lead, logit_row, st, ln_s, row.tau, row_ok);
  }
}

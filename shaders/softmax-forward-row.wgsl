// The forward of one sample-row by a whole workgroup. Pass 1 generates each Philox block's noise once,
// keeps v = logit + g in workgroup memory (row-cache.wgsl) or, past CACHE_FLOATS, in the output buffer
// (STASH), and folds every element into an online state; a workgroup reduction gives the row's max, sum and
// argmax; pass 2 writes the outputs. Without STASH, elements past CACHE_FLOATS read their logits a second
// time and regenerate their noise. Requires override WG and fn reduce_state.
//!include softmax-outputs.wgsl
//!include row-cache.wgsl

fn forward_row(li: u32, q: u32) {
  if (q >= params.rows) {
    return;
  }
  let row = row_setup(q);
  let logit_row = row.r * params.k - params.logit_base;
  let out_row = row.g * params.k - params.out_base;

  var st = state_empty();
  for (var br = li; br < row.blocks; br += WG) {
    let x = row_lanes(row.pos, row.lead, br, logit_row);
    if (block_cached(br, row.lead)) {
      cache_store(x, br, row.lead);
    } else if (stashing()) {
      stash_store(x, br, row.lead, out_row);
    }
    push_lanes(&st, x, br, row.lead, row.tau, vec4f(), vec4f());
  }
  let total = reduce_state(st, row.tau, li);

  let row_ok = total.bad == 0u && total.count > 0u && tau_is_valid(row.tau);
  let ln_s = ln_accurate(max(total.s, 1.0)); // s >= 1: the max contributes exp(0)
  for (var br = li; br < row.blocks; br += WG) {
    var x: Lanes; // left empty when a hard y is the only output
    if (needs_v()) {
      if (block_cached(br, row.lead)) {
        x = cache_load(br, row.lead);
      } else if (stashing()) {
        x = stash_load(br, row.lead, out_row);
      } else {
        x = row_lanes(row.pos, row.lead, br, logit_row);
      }
    }
    write_lanes(x, br, row.lead, out_row, total, ln_s, row.tau, row_ok);
  }
  if (WRITE_INDEX && li == 0u) {
    index_out[row.g - params.index_base] = select(NO_INDEX, total.k, row_ok);
  }
}

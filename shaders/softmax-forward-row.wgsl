// The forward of one sample-row by a whole workgroup. Pass 1 generates each Philox block's noise once,
// caches v = logit + g in workgroup memory (row-cache.wgsl) and folds every element into an online state; a
// workgroup reduction gives the row's max, sum and argmax; pass 2 writes the outputs. Elements past
// CACHE_FLOATS read their logits a second time and regenerate their noise. Requires override WG and
// fn reduce_state.
//!include softmax-outputs.wgsl
//!include row-cache.wgsl

fn forward_row(li: u32, q: u32) {
  if (q >= params.rows) {
    return;
  }
  let g = params.first_row + q;
  let r = g % params.batch_rows;
  let tau = row_tau(r);
  let pos = row_position(g);
  let lead = pos.x & 3u;
  let blocks = (lead + params.k + 3u) / 4u;
  let logit_row = r * params.k - params.logit_base;

  var st = state_empty();
  for (var br = li; br < blocks; br += WG) {
    let x = row_lanes(pos, lead, br, logit_row);
    cache_store(x, br, lead);
    push_lanes(&st, x, br, lead, tau, vec4f(), vec4f());
  }
  let total = reduce_state(st, tau, li);

  let row_ok = total.bad == 0u && total.count > 0u && tau_is_valid(tau);
  let ln_s = ln_accurate(max(total.s, 1.0)); // s >= 1: the max contributes exp(0)
  let out_row = g * params.k - params.out_base;
  for (var br = li; br < blocks; br += WG) {
    var x: Lanes;
    if (block_cached(br, lead)) {
      x = cache_load(br, lead);
    } else {
      x = row_lanes(pos, lead, br, logit_row);
    }
    write_lanes(x, br, lead, out_row, total, ln_s, tau, row_ok);
  }
  if (WRITE_INDEX && li == 0u) {
    index_out[g - params.index_base] = select(NO_INDEX, total.k, row_ok);
  }
}

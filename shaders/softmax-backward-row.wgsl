// The backward of one sample-row by a whole workgroup: one pass folds noise, logits and upstream
// gradients into an online state (keeping up to CACHE_BLOCKS blocks per invocation in registers), a
// workgroup reduction gives max, sum, <dy, e> and sum(dl), and a second pass writes dLogits.
// Requires const WG, CACHE_BLOCKS and fn reduce_state.
//!include softmax-backward.wgsl

fn backward_row(li: u32, q: u32) {
  if (q >= params.rows) {
    return;
  }
  let g = params.first_row + q;
  let r = g % params.batch_rows;
  let tau = row_tau(r);
  let pos = row_position(g);
  let lead = pos.x & 3u;
  let blocks = (lead + params.k + 3u) / 4u;
  let logit_row = r * params.k;
  let grad_row = g * params.k;

  var cache: array<Lanes, CACHE_BLOCKS>;
  var grad_cache: array<Grads, CACHE_BLOCKS>;
  var st = state_empty();
  for (var i = 0u; li + i * WG < blocks; i++) {
    let br = li + i * WG;
    let x = row_lanes(pos, lead, br, logit_row);
    let gr = read_grads(br, lead, grad_row);
    if (i < CACHE_BLOCKS) {
      cache[i] = x;
      grad_cache[i] = gr;
    }
    push_lanes(&st, x, br, lead, tau, gr.dy, gr.dl);
  }
  let total = reduce_state(st, tau, li);

  let row_ok = total.bad == 0u && total.count > 0u && tau_is_valid(tau);
  let ln_s = ln_accurate(max(total.s, 1.0));
  for (var i = 0u; li + i * WG < blocks; i++) {
    let br = li + i * WG;
    if (i < CACHE_BLOCKS) {
      write_grads(cache[i], grad_cache[i], br, lead, logit_row, total, ln_s, tau, row_ok);
    } else {
      write_grads(row_lanes(pos, lead, br, logit_row), read_grads(br, lead, grad_row), br, lead, logit_row, total, ln_s, tau, row_ok);
    }
  }
}

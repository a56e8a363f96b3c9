// The backward of one sample-row by a whole workgroup: one pass folds noise, logits and upstream gradients
// into an online state, caching v (row-cache.wgsl) and the gradients in workgroup memory; a workgroup
// reduction gives max, sum, <dy, e> and sum(dl); a second pass writes dLogits. Elements past CACHE_FLOATS
// are read and generated again. Requires override WG and fn reduce_state.
//!include softmax-backward.wgsl
//!include row-cache.wgsl

var<workgroup> dy_cache: array<f32, CACHE_FLOATS>;
var<workgroup> dl_cache: array<f32, CACHE_FLOATS>;

fn grads_store(gr: Grads, br: u32, lead: u32) {
  for (var lane = 0u; lane < 4u; lane++) {
    let k = 4u * br + lane - lead;
    if (k < params.k && k < CACHE_FLOATS) {
      dy_cache[k] = gr.dy[lane];
      dl_cache[k] = gr.dl[lane];
    }
  }
}

fn grads_load(br: u32, lead: u32) -> Grads {
  var out: Grads;
  for (var lane = 0u; lane < 4u; lane++) {
    let k = 4u * br + lane - lead;
    if (k < params.k) {
      out.dy[lane] = dy_cache[k];
      out.dl[lane] = dl_cache[k];
    }
  }
  return out;
}

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
  let logit_row = r * params.k - params.logit_base;
  let grad_row = g * params.k - params.out_base;

  var st = state_empty();
  for (var br = li; br < blocks; br += WG) {
    let x = row_lanes(pos, lead, br, logit_row);
    let gr = read_grads(br, lead, grad_row);
    cache_store(x, br, lead);
    grads_store(gr, br, lead);
    push_lanes(&st, x, br, lead, tau, gr.dy, gr.dl);
  }
  let total = reduce_state(st, tau, li);

  let row_ok = total.bad == 0u && total.count > 0u && tau_is_valid(tau);
  let ln_s = ln_accurate(max(total.s, 1.0));
  for (var br = li; br < blocks; br += WG) {
    if (block_cached(br, lead)) {
      write_grads(cache_load(br, lead), grads_load(br, lead), br, lead, logit_row, total, ln_s, tau, row_ok);
    } else {
      write_grads(row_lanes(pos, lead, br, logit_row), read_grads(br, lead, grad_row), br, lead, logit_row, total, ln_s, tau, row_ok);
    }
  }
}

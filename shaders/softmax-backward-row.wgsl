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
  let row = row_setup(q);
  let logit_row = row.r * params.k - params.logit_base;
  let grad_row = row.g * params.k - params.out_base;

  var st = state_empty();
  for (var br = li; br < row.blocks; br += WG) {
    let x = row_lanes(row.pos, row.lead, br, logit_row);
    let gr = read_grads(br, row.lead, grad_row);
    cache_store(x, br, row.lead);
    grads_store(gr, br, row.lead);
    push_lanes(&st, x, br, row.lead, row.tau, gr.dy, gr.dl);
  }
  let total = reduce_state(st, row.tau, li);

  let row_ok = total.bad == 0u && total.count > 0u && tau_is_valid(row.tau);
  let ln_s = ln_accurate(max(total.s, 1.0));
  for (var br = li; br < row.blocks; br += WG) {
    if (block_cached(br, row.lead)) {
      write_grads(cache_load(br, row.lead), grads_load(br, row.lead), br, row.lead, logit_row, total, ln_s, row.tau, row_ok);
    } else {
      write_grads(row_lanes(row.pos, row.lead, br, logit_row), read_grads(br, row.lead, grad_row), br, row.lead, logit_row, total, ln_s, row.tau, row_ok);
    }
  }
}

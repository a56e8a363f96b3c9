// The backward of one sample-row by a whole workgroup (or of one chunk of it: row_chunk in row-split.wgsl
// calls fold_chunk and write_chunk): one pass folds noise, logits and upstream gradients into an online state,
// keeping v in registers (row-hold.wgsl), or v and the gradients in workgroup memory (row-cache.wgsl); a
// workgroup reduction gives max, sum, <dy, e> and sum(dl); a second pass writes dLogits. Elements outside the
// row cache read their gradients again, and their v from registers, from the stash in dLogits (STASH), or
// from the logits and regenerated noise. Requires override WG and fn reduce_state.
//!include softmax-backward.wgsl
//!include row-cache.wgsl
//!include row-split.wgsl
//!include row-hold.wgsl

var<workgroup> dy_cache: array<f32, CACHE_FLOATS>;
var<workgroup> dl_cache: array<f32, CACHE_FLOATS>;

fn grads_store(gr: Grads, br: u32, lead: u32) {
  let k = lane_k(br, lead);
  for (var lane = 0u; lane < 4u; lane++) {
    if (k[lane] < params.k && k[lane] < CACHE_FLOATS) {
      dy_cache[k[lane]] = gr.dy[lane];
      dl_cache[k[lane]] = gr.dl[lane];
    }
  }
}

// The cached gradients of block br; 0 outside the row, as read_grads gives them.
fn grads_load(br: u32, lead: u32) -> Grads {
  let k = lane_k(br, lead);
  let inside = k < vec4u(params.k);
  let at = load_k(br, lead); // below CACHE_FLOATS when block_cached
  let dy = vec4f(dy_cache[at.x], dy_cache[at.y], dy_cache[at.z], dy_cache[at.w]);
  let dl = vec4f(dl_cache[at.x], dl_cache[at.y], dl_cache[at.z], dl_cache[at.w]);
  return Grads(select(vec4f(0.0), dy, inside), select(vec4f(0.0), dl, inside));
}

// Folds blocks [first, end) of a row with their gradients into a state, keeping v for pass 2 in registers,
// v and the gradients in the cache, or v in the stash.
fn fold_chunk(li: u32, row: RowSetup, logit_row: u32, grad_row: u32, first: u32, end: u32) -> RowState {
  var st = state_empty();
  if (hold_allowed()) {
    for (var j = 0u; j < HELD_BLOCKS; j++) {
      let br = held_block(first, li, j);
      if (br < end) {
        let x = row_lanes(row.first_block, row.lead, br, logit_row);
        let gr = read_grads(br, row.lead, grad_row);
        held_v[j] = v_to_store(x);
        push_lanes(&st, x, br, row.lead, row.tau, gr.dy, gr.dl);
      }
    }
  }
  for (var br = first_unheld(first, li, hold_allowed()); br < end; br += WG) {
    let x = row_lanes(row.first_block, row.lead, br, logit_row);
    let gr = read_grads(br, row.lead, grad_row);
    if (cache_allowed() && block_cached(br, row.lead)) {
      cache_store(x, br, row.lead);
      grads_store(gr, br, row.lead);
    } else if (stashing()) {
      stash_store(x, br, row.lead, logit_row);
    }
    push_lanes(&st, x, br, row.lead, row.tau, gr.dy, gr.dl);
  }
  return st;
}

// Pass 2 over blocks [first, end) of a row: its dLogits from the row's total state.
fn write_chunk(li: u32, row: RowSetup, logit_row: u32, grad_row: u32, first: u32, end: u32, total: RowState) {
  let ok = row_valid(total, row.tau);
  let ln_s = ln_accurate(max(total.s, 1.0));
  if (hold_allowed()) {
    for (var j = 0u; j < HELD_BLOCKS; j++) {
      let br = held_block(first, li, j);
      if (br < end) {
        write_grads(lanes_from_v(held_v[j], lane_k(br, row.lead)), read_grads(br, row.lead, grad_row), br, row.lead, logit_row, total, ln_s, row.tau, ok);
      }
    }
  }
  for (var br = first_unheld(first, li, hold_allowed()); br < end; br += WG) {
    if (cache_allowed() && block_cached(br, row.lead)) {
      write_grads(cache_load(br, row.lead), grads_load(br, row.lead), br, row.lead, logit_row, total, ln_s, row.tau, ok);
    } else if (stashing()) {
      write_grads(stash_load(br, row.lead, logit_row), read_grads(br, row.lead, grad_row), br, row.lead, logit_row, total, ln_s, row.tau, ok);
    } else {
      write_grads(row_lanes(row.first_block, row.lead, br, logit_row), read_grads(br, row.lead, grad_row), br, row.lead, logit_row, total, ln_s, row.tau, ok);
    }
  }
}

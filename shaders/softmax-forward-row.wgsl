// The forward of one sample-row by a whole workgroup (or of one chunk of it, row-split.wgsl). Pass 1
// generates each Philox block's noise once, keeps v = logit + g in workgroup memory (row-cache.wgsl) or, past
// CACHE_FLOATS, in the output buffer (STASH), and folds every element into an online state; a workgroup
// reduction gives the row's max, sum and argmax; pass 2 writes the outputs. Without STASH, elements past
// CACHE_FLOATS read their logits a second time and regenerate their noise. Requires override WG and fn
// reduce_state.
//!include softmax-outputs.wgsl
//!include row-cache.wgsl
//!include row-split.wgsl

// Folds blocks [first, end) of a row into a state, keeping v for pass 2 in the cache or the stash.
fn forward_fold(li: u32, row: RowSetup, logit_row: u32, out_row: u32, first: u32, end: u32) -> RowState {
  var st = state_empty();
  for (var br = first + li; br < end; br += WG) {
    let x = row_lanes(row.pos, row.lead, br, logit_row);
    if (cache_allowed() && block_cached(br, row.lead)) {
      cache_store(x, br, row.lead);
    } else if (stashing()) {
      stash_store(x, br, row.lead, out_row);
    }
    push_lanes(&st, x, br, row.lead, row.tau, vec4f(), vec4f());
  }
  return st;
}

// Pass 2 over blocks [first, end) of a row: its outputs from the row's total state.
fn forward_write(li: u32, row: RowSetup, logit_row: u32, out_row: u32, first: u32, end: u32, total: RowState) {
  let ok = row_valid(total, row.tau);
  let ln_s = ln_accurate(max(total.s, 1.0)); // s >= 1: the max contributes exp(0)
  for (var br = first + li; br < end; br += WG) {
    var x: Lanes; // left empty when a hard y is the only output
    if (needs_v()) {
      if (cache_allowed() && block_cached(br, row.lead)) {
        x = cache_load(br, row.lead);
      } else if (stashing()) {
        x = stash_load(br, row.lead, out_row);
      } else {
        x = row_lanes(row.pos, row.lead, br, logit_row);
      }
    }
    write_lanes(x, br, row.lead, out_row, total, ln_s, row.tau, ok);
  }
}

// Workgroup w of the dispatch: a whole row, or one chunk of a row in SPLIT_PHASE 1 or 2.
fn forward_row(li: u32, w: u32) {
  let ch = chunk_of(w);
  if (ch.q >= params.rows) {
    return;
  }
  let row = row_setup(ch.q);
  let logit_row = row.r * params.k - params.logit_base;
  let out_row = row.g * params.k - params.out_base;
  let end = chunk_end(ch, row.blocks);

  var st = state_empty();
  if (SPLIT_PHASE != 2u) {
    st = forward_fold(li, row, logit_row, out_row, ch.first, end); // phase 2 reads the states from partials
  }
  let total = chunk_total(li, w, ch.q, st, row.tau);
  if (SPLIT_PHASE == 1u) {
    return;
  }
  forward_write(li, row, logit_row, out_row, ch.first, end, total);
  if (WRITE_INDEX && li == 0u && ch.c == 0u) {
    index_out[row.g - params.index_base] = select(NO_INDEX, total.k, row_valid(total, row.tau));
  }
}

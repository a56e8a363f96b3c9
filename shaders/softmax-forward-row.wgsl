// The forward of one sample-row by a whole workgroup (or of one chunk of it: row_chunk in row-split.wgsl
// calls fold_chunk and write_chunk). Pass 1 generates each Philox block's noise once, keeps v = logit + g in
// registers (row-hold.wgsl), in workgroup memory (row-cache.wgsl) or, past CACHE_FLOATS, in the output buffer
// (STASH), and folds every element into an online state; a workgroup reduction gives the row's max, sum and
// argmax; pass 2 writes the outputs. Without STASH, elements held nowhere read their logits a second time and
// regenerate their noise. Requires override WG and fn reduce_state.
//!include softmax-outputs.wgsl
//!include row-cache.wgsl
//!include row-split.wgsl
//!include row-hold.wgsl

fn holding() -> bool {
  return hold_allowed() && needs_v();
}

// Folds blocks [first, end) of a row into a state, keeping v for pass 2 in registers, the cache or the stash.
fn fold_chunk(li: u32, row: RowSetup, logit_row: u32, out_row: u32, first: u32, end: u32) -> RowState {
  var st = state_empty();
  if (holding()) {
    for (var j = 0u; j < HELD_BLOCKS; j++) {
      let br = held_block(first, li, j);
      if (br < end) {
        let x = row_lanes(row.first_block, row.lead, br, logit_row);
        held_v[j] = v_to_store(x);
        push_lanes(&st, x, br, row.lead, row.tau, vec4f(), vec4f());
      }
    }
  }
  for (var br = first_unheld(first, li, holding()); br < end; br += WG) {
    let x = row_lanes(row.first_block, row.lead, br, logit_row);
    if (cache_allowed() && block_cached(br, row.lead)) {
      cache_store(x, br, row.lead);
    } else if (stashing()) {
      stash_store(x, br, row.lead, out_row);
    }
    push_lanes(&st, x, br, row.lead, row.tau, vec4f(), vec4f());
  }
  return st;
}

// Pass 2 over blocks [first, end) of a row: its outputs from the row's total state, and the row's index
// from the first chunk.
fn write_chunk(li: u32, row: RowSetup, logit_row: u32, out_row: u32, first: u32, end: u32, total: RowState) {
  let ok = row_valid(total, row.tau);
  let ln_s = ln_accurate(max(total.s, 1.0)); // s >= 1: the max contributes exp(0)
  if (holding()) {
    for (var j = 0u; j < HELD_BLOCKS; j++) {
      let br = held_block(first, li, j);
      if (br < end) {
        write_lanes(lanes_from_v(held_v[j], lane_k(br, row.lead)), br, row.lead, out_row, total, ln_s, row.tau, ok);
      }
    }
  }
  for (var br = first_unheld(first, li, holding()); br < end; br += WG) {
    var x: Lanes; // left empty when a hard y is the only output
    if (needs_v()) {
      if (cache_allowed() && block_cached(br, row.lead)) {
        x = cache_load(br, row.lead);
      } else if (stashing()) {
        x = stash_load(br, row.lead, out_row);
      } else {
        x = row_lanes(row.first_block, row.lead, br, logit_row);
      }
    }
    write_lanes(x, br, row.lead, out_row, total, ln_s, row.tau, ok);
  }
  if (WRITE_INDEX && li == 0u && first == 0u) {
    index_out[row.g - params.index_base] = select(NO_INDEX, total.k, ok);
  }
}

// Gumbel-Softmax per Philox block of a row: noise and logits in (row_lanes), into the online state
// (push_lanes). The forward's outputs (write_lanes) and the overrides that pick them are in
// softmax-outputs.wgsl.
//!include softmax-row.wgsl

// v = logit + noise of each lane of block br, and its kind: v is meaningful only for FINITE.
struct Lanes {
  v: vec4f,
  kind: vec4u,
}

fn row_lanes(pos: vec2u, lead: u32, br: u32, logit_row: u32) -> Lanes {
  let words = row_block_words(pos, br);
  var out: Lanes;
  for (var lane = 0u; lane < 4u; lane++) {
    let k = 4u * br + lane - lead; // below 0 wraps past K
    var c = MASKED;                // outside the row: contributes nothing
    var v = 0.0;
    if (k < params.k) {
      let l = logits[logit_row + k];
      c = classify(l);
      v = l + gumbel_from_bits(words[lane]);
    }
    out.v[lane] = v;
    out.kind[lane] = c;
  }
  return out;
}

// Folds a block into the state; dy and dl are the upstream gradients of its lanes (0 in the forward).
// A masked element has p = 0 but its dLogSoftmax still counts in sum(dLogSoftmax).
fn push_lanes(st: ptr<function, RowState>, x: Lanes, br: u32, lead: u32, tau: f32, dy: vec4f, dl: vec4f) {
  for (var lane = 0u; lane < 4u; lane++) {
    let c = x.kind[lane];
    if (c == FINITE) {
      state_push(st, x.v[lane], 4u * br + lane - lead, dy[lane], dl[lane], tau);
    } else if (c == MASKED) {
      (*st).sum_dl += dl[lane];
    } else {
      (*st).bad = 1u;
    }
  }
}

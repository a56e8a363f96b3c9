// Gumbel-Softmax per Philox block of a row: noise and logits in (row_lanes), into the online state
// (push_lanes). The forward's outputs (write_lanes) and the overrides that pick them are in
// softmax-outputs.wgsl. A block's four lanes are handled as vectors, not in a loop over lanes: software
// adapters (SwiftShader) run lane loops over function-scope vectors several times slower. Requires each
// direction's fn needs_sum() (softmax-outputs.wgsl, softmax-backward.wgsl) and fn logit_block (forward-rows.wgsl,
// backward-rows.wgsl).
//!include softmax-row.wgsl

// v = logit + noise of each lane of block br, and its kind: v is meaningful only for FINITE.
struct Lanes {
  v: vec4f,
  kind: vec4u,
}

// The row index k of each lane of block br; lanes before the row wrap past K, like lanes after it.
fn lane_k(br: u32, lead: u32) -> vec4u {
  return vec4u(4u * br - lead) + vec4u(0u, 1u, 2u, 3u);
}

// The last element of the row that block br holds.
fn block_last(br: u32, lead: u32) -> u32 {
  return min(4u * br + 3u - lead, params.k - 1u);
}

// Where each lane of block br loads from: itself inside the row, else block_last, so lanes outside the row
// (whose values are discarded) never read an element another invocation writes.
fn load_k(br: u32, lead: u32) -> vec4u {
  return min(lane_k(br, lead), vec4u(block_last(br, lead)));
}

// The values that the four stores of block br write when each lane stores at load_k without a branch
// (UNROLLED_LANE_STORES): a lane outside the row aliases the block's last element in the row and stores that
// element's value, so stores to one element agree. br must hold an element of the row. On SwiftShader each
// branch around a store had cost its own index bound (Tint's clamp to arrayLength: four integer divisions).
fn aliased_values(v: vec4f, br: u32, lead: u32) -> vec4f {
  let a = block_last(br, lead) - (4u * br - lead); // that element's lane
  let last = select(select(v.x, v.y, a == 1u), select(v.z, v.w, a == 3u), a > 1u);
  return select(vec4f(last), v, lane_k(br, lead) < vec4u(params.k));
}

// Lanes from stored v (row-cache.wgsl, the stash): masked elements are stored as -inf. An invalid logit reads
// back as FINITE: its row's outputs are NaN regardless.
fn lanes_from_v(v: vec4f, k: vec4u) -> Lanes {
  let kind = select(vec4u(FINITE), vec4u(MASKED), bitcast<vec4u>(v) == vec4u(NEG_INF_BITS));
  return Lanes(v, select(vec4u(MASKED), kind, k < vec4u(params.k)));
}

fn v_to_store(x: Lanes) -> vec4f {
  return select(x.v, vec4f(f32_from_bits(NEG_INF_BITS)), x.kind == vec4u(MASKED));
}

// Block br's logits (logit_block: forward-rows.wgsl, backward-rows.wgsl) plus its noise; lanes outside the
// row are marked MASKED (what they loaded is discarded).
fn row_lanes(first_block: vec2u, lead: u32, br: u32, logit_row: u32) -> Lanes {
  let k = lane_k(br, lead);
  let l = logit_block(logit_row, br, lead);
  let noise = gumbel_from_bits(stream_block(params.key, params.stream, first_block, br));
  return Lanes(l + noise, select(vec4u(MASKED), classify(l), k < vec4u(params.k)));
}

// Folds a block into the state; dy and dl are the upstream gradients of its lanes (0 in the forward and
// outside the row). The block's own max is taken first, so the state is rescaled once per block, not per
// element. A masked element has p = 0 but its dLogSoftmax still counts in sum(dLogSoftmax).
fn push_lanes(st: ptr<function, RowState>, x: Lanes, br: u32, lead: u32, tau: f32, dy: vec4f, dl: vec4f) {
  (*st).sum_dl += dot(dl, vec4f(1.0));
  (*st).bad |= select(0u, 1u, any(x.kind == vec4u(INVALID)));
  let finite = x.kind == vec4u(FINITE);
  let v = select(vec4f(-F32_MAX), x.v, finite);
  let block_max = max(max(v.x, v.y), max(v.z, v.w));
  let top = finite & (v == vec4f(block_max));
  let lane = select(select(select(3u, 2u, top.z), 1u, top.y), 0u, top.x); // the lowest lane at the max
  let above = any(finite) && ((*st).count == 0u || block_max > (*st).m);
  let m = select((*st).m, block_max, above);
  if (needs_sum()) { // an override: compiled out for a hard y or the index alone, which need only the argmax
    let r = rescale((*st).m, m, tau); // 1 when the max stays; an empty state's s and dot are 0 anyway
    let e = select(vec4f(0.0), exp(max(scaled_diff(x.v, vec4f(m), tau), vec4f(EXP_FLOOR))), finite);
    (*st).s = (*st).s * r + dot(e, vec4f(1.0));
    (*st).dot = (*st).dot * r + dot(select(vec4f(0.0), dy, finite), e);
  }
  (*st).k = select((*st).k, 4u * br + lane - lead, above);
  (*st).m = m;
  (*st).count += dot(select(vec4u(0u), vec4u(1u), finite), vec4u(1u));
}

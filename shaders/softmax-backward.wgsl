// The straight-through / soft Gumbel-Softmax backward per Philox block of a row:
//   dLogits += (1 / tau) * [ p * (dy - <dy, p>) + (dl - p * sum(dl)) ]
// with p the soft sample recomputed from (logits, seed, stream, offset). Requires bindings dy, dl, d_logits, and
// const UNROLLED_LANE_STORES (row-by-invocation.wgsl or row-split.wgsl).
//!include softmax-forward.wgsl

override HAS_DY: bool = true;
override HAS_DL: bool = false;
override ACCUMULATE: bool = false; // add into d_logits (samples after the first)
// Pass 1 keeps v of the elements outside the row cache in d_logits (the stash) for pass 2, instead of
// regenerating it; impossible when accumulating into d_logits.
override STASH: bool = true;

fn stashing() -> bool {
  return STASH && !ACCUMULATE;
}

// The gradient needs p = exp(z) / sum everywhere (push_lanes).
fn needs_sum() -> bool {
  return true;
}

fn stash_store(x: Lanes, br: u32, lead: u32, logit_row: u32) {
  d_logits_store(logit_row, br, lead, v_to_store(x));
}

// d_logits_store: the lanes of block br inside the row into dLogits (lane-store.wgsl).
//!instance lane-store.wgsl STORE_FN=d_logits_store STORE_OUT=d_logits

// The lanes of block br inside the row (k < K) added to dLogits, from row = the row's first element, with
// UNROLLED_LANE_STORES and the plain stores of whole blocks as in lane-store.wgsl (an addition keeps a branch
// per lane where UNROLLED_LANE_STORES: aliased lanes would add twice).
fn d_logits_add(row: u32, k: vec4u, v: vec4f) {
  if (UNROLLED_LANE_STORES) {
    let inside = k < vec4u(params.k);
    if (inside.x) { d_logits[row + k.x] += v.x; }
    if (inside.y) { d_logits[row + k.y] += v.y; }
    if (inside.z) { d_logits[row + k.z] += v.z; }
    if (inside.w) { d_logits[row + k.w] += v.w; }
  } else {
    if (all(k < vec4u(params.k))) {
      let at = vec4u(row) + k;
      d_logits[at.x] += v.x;
      d_logits[at.y] += v.y;
      d_logits[at.z] += v.z;
      d_logits[at.w] += v.w;
    } else {
      for (var lane = 0u; lane < 4u; lane++) {
        if (k[lane] < params.k) {
          d_logits[row + k[lane]] += v[lane];
        }
      }
    }
  }
}

// Read by the invocation that stored the block, so no barrier is needed.
fn stash_load(br: u32, lead: u32, logit_row: u32) -> Lanes {
  let k = lane_k(br, lead);
  let at = vec4u(logit_row) + load_k(br, lead);
  return lanes_from_v(vec4f(d_logits[at.x], d_logits[at.y], d_logits[at.z], d_logits[at.w]), k);
}

struct Grads {
  dy: vec4f,
  dl: vec4f,
}

// The upstream gradients of block br's lanes; 0 outside the row (push_lanes sums them).
fn read_grads(br: u32, lead: u32, grad_row: u32) -> Grads {
  let k = lane_k(br, lead);
  let inside = k < vec4u(params.k);
  let at = vec4u(grad_row) + load_k(br, lead);
  var out: Grads;
  if (HAS_DY) {
    out.dy = select(vec4f(0.0), vec4f(dy[at.x], dy[at.y], dy[at.z], dy[at.w]), inside);
  }
  if (HAS_DL) {
    out.dl = select(vec4f(0.0), vec4f(dl[at.x], dl[at.y], dl[at.z], dl[at.w]), inside);
  }
  return out;
}

fn write_grads(x: Lanes, gr: Grads, br: u32, lead: u32, logit_row: u32, total: RowState, ln_s: f32, tau: f32, row_ok: bool) {
  let dot_p = total.dot / total.s; // <dy, p>
  let k = lane_k(br, lead);
  let ls = max(scaled_diff(x.v, vec4f(total.m), tau), vec4f(-F32_MAX)) - ln_s;
  let p = select(exp(max(ls, vec4f(EXP_FLOOR))), vec4f(0.0), x.kind == vec4u(MASKED));
  var grad = (p * (gr.dy - dot_p) + (gr.dl - p * total.sum_dl)) / tau;
  if (!row_ok) {
    grad = vec4f(f32_from_bits(NAN_BITS));
  }
  if (ACCUMULATE) {
    d_logits_add(logit_row, k, grad);
  } else {
    d_logits_store(logit_row, br, lead, grad);
  }
}

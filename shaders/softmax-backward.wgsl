// The straight-through / soft Gumbel-Softmax backward per Philox block of a row:
//   dLogits += (1 / tau) * [ p * (dy - <dy, p>) + (dl - p * sum(dl)) ]
// with p the soft sample recomputed from (logits, seed, stream, offset). Requires backward-rows.wgsl (or its
// aligned stand-in) and const UNROLLED_LANE_STORES (row-by-invocation.wgsl or row-split.wgsl).
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

// Read by the invocation that stored the block, so no barrier is needed.
fn stash_load(br: u32, lead: u32, logit_row: u32) -> Lanes {
  return lanes_from_v(d_logits_load(logit_row, br, lead), lane_k(br, lead));
}

struct Grads {
  dy: vec4f,
  dl: vec4f,
}

// The upstream gradients of block br's lanes; 0 outside the row (push_lanes sums them).
fn read_grads(br: u32, lead: u32, grad_row: u32) -> Grads {
  let inside = lane_k(br, lead) < vec4u(params.k);
  var out: Grads;
  if (HAS_DY) {
    out.dy = select(vec4f(0.0), dy_load(grad_row, br, lead), inside);
  }
  if (HAS_DL) {
    out.dl = select(vec4f(0.0), dl_load(grad_row, br, lead), inside);
  }
  return out;
}

fn write_grads(x: Lanes, gr: Grads, br: u32, lead: u32, logit_row: u32, total: RowState, ln_s: f32, tau: f32, row_ok: bool) {
  let dot_p = total.dot / total.s; // <dy, p>
  let ls = max(scaled_diff(x.v, vec4f(total.m), tau), vec4f(-F32_MAX)) - ln_s;
  let masked = x.kind == vec4u(MASKED);
  let p = select(exp(max(ls, vec4f(EXP_FLOOR))), vec4f(0.0), masked);
  // y is 0 at a masked logit whatever the logits, so dy there has no effect, even where it is not finite
  // (0 * inf would be NaN); push_lanes leaves it out of <dy, p> likewise.
  let from_dy = select(p * (gr.dy - dot_p), vec4f(0.0), masked);
  var grad = (from_dy + (gr.dl - p * total.sum_dl)) / tau;
  if (!row_ok) {
    grad = vec4f(f32_from_bits(NAN_BITS));
  }
  if (ACCUMULATE) {
    d_logits_add(logit_row, br, lead, grad);
  } else {
    d_logits_store(logit_row, br, lead, grad);
  }
}

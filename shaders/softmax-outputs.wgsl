// The forward's outputs of one Philox block of a row. Requires forward-rows.wgsl (or its aligned stand-in) and
// const UNROLLED_LANE_STORES (row-by-invocation.wgsl or row-split.wgsl).
//!include softmax-forward.wgsl

override WRITE_Y: bool = true;
override WRITE_LOG_SOFTMAX: bool = false;
override WRITE_INDEX: bool = true;
override HARD: bool = false;
// Pass 1 keeps v of the elements outside the row cache in an output buffer (the stash) for pass 2 to read,
// instead of pass 2 reading the logits again and regenerating the noise (src/ops/gumbel-softmax.ts).
override STASH: bool = true;

// Whether pass 2 needs v at all: a hard y is one-hot from the index alone.
fn needs_v() -> bool {
  return WRITE_LOG_SOFTMAX || (WRITE_Y && !HARD);
}

fn stashing() -> bool {
  return STASH && needs_v();
}

// Whether pass 1 sums exp(z) (push_lanes): only the outputs that read v in pass 2 use the sum.
fn needs_sum() -> bool {
  return needs_v();
}

// v of block br into the output range of its row (logSoftmax when written, else y), which pass 2 overwrites.
fn stash_store(x: Lanes, br: u32, lead: u32, out_row: u32) {
  let v = v_to_store(x);
  if (WRITE_LOG_SOFTMAX) {
    log_softmax_store(out_row, br, lead, v);
  } else {
    y_store(out_row, br, lead, v);
  }
}

// Read by the invocation that stored the block, so no barrier is needed.
fn stash_load(br: u32, lead: u32, out_row: u32) -> Lanes {
  var v: vec4f;
  if (WRITE_LOG_SOFTMAX) {
    v = log_softmax_load(out_row, br, lead);
  } else {
    v = y_load(out_row, br, lead);
  }
  return lanes_from_v(v, lane_k(br, lead));
}

fn write_lanes(x: Lanes, br: u32, lead: u32, out_row: u32, total: RowState, ln_s: f32, tau: f32, row_ok: bool) {
  let k = lane_k(br, lead);
  let masked = x.kind == vec4u(MASKED);
  let ls = max(scaled_diff(x.v, vec4f(total.m), tau), vec4f(-F32_MAX)) - ln_s;
  var ls_out = select(ls, vec4f(f32_from_bits(NEG_INF_BITS)), masked);
  var y = select(exp(max(ls, vec4f(EXP_FLOOR))), vec4f(0.0), masked);
  if (HARD) {
    y = select(vec4f(0.0), vec4f(1.0), k == vec4u(total.k));
  }
  if (!row_ok) {
    ls_out = vec4f(f32_from_bits(NAN_BITS));
    y = ls_out;
  }
  if (WRITE_Y) {
    y_store(out_row, br, lead, y);
  }
  if (WRITE_LOG_SOFTMAX) {
    log_softmax_store(out_row, br, lead, ls_out);
  }
}

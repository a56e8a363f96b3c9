// The forward's outputs of one Philox block of a row. Requires bindings y_out, log_softmax_out, and const
// UNROLLED_LANE_STORES (row-by-invocation.wgsl or row-split.wgsl).
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

// The lanes of block br that lie inside the row (k < K) into y / logSoftmax, from row = the row's first
// element; br must hold an element of the row. UNROLLED_LANE_STORES (set by row-by-invocation.wgsl and
// row-split.wgsl) picks four stores with constant lane indices and no branch (aliased_values), or four plain
// stores where the block lies wholly inside the row and a loop over lanes with a branch each where it does
// not (a row's first and last blocks). The by-invocation kernels, which SwiftShader runs for rows of any
// length, were 6-50% faster there with the aliased stores (through Dawn, forward at 4096 x 8 to 256 x 32768),
// while the H100's workgroup kernels were 4-6% slower with them where they stash (4096 x 4096, 512 x 32768)
// than with the loop alone. The plain stores for whole blocks took the workgroup kernels on an H200 from 0.156
// to 0.135 ms (forward soft, 512 x 32768) and from 0.222 to 0.174 (64 x 262144), bit-identical.
fn y_store(row: u32, br: u32, lead: u32, v: vec4f) {
  if (UNROLLED_LANE_STORES) {
    let at = vec4u(row) + load_k(br, lead);
    let w = aliased_values(v, br, lead);
    y_out[at.x] = w.x;
    y_out[at.y] = w.y;
    y_out[at.z] = w.z;
    y_out[at.w] = w.w;
  } else {
    let k = lane_k(br, lead);
    if (all(k < vec4u(params.k))) {
      let at = vec4u(row) + k;
      y_out[at.x] = v.x;
      y_out[at.y] = v.y;
      y_out[at.z] = v.z;
      y_out[at.w] = v.w;
    } else {
      for (var lane = 0u; lane < 4u; lane++) {
        if (k[lane] < params.k) {
          y_out[row + k[lane]] = v[lane];
        }
      }
    }
  }
}

fn log_softmax_store(row: u32, br: u32, lead: u32, v: vec4f) {
  if (UNROLLED_LANE_STORES) {
    let at = vec4u(row) + load_k(br, lead);
    let w = aliased_values(v, br, lead);
    log_softmax_out[at.x] = w.x;
    log_softmax_out[at.y] = w.y;
    log_softmax_out[at.z] = w.z;
    log_softmax_out[at.w] = w.w;
  } else {
    let k = lane_k(br, lead);
    if (all(k < vec4u(params.k))) {
      let at = vec4u(row) + k;
      log_softmax_out[at.x] = v.x;
      log_softmax_out[at.y] = v.y;
      log_softmax_out[at.z] = v.z;
      log_softmax_out[at.w] = v.w;
    } else {
      for (var lane = 0u; lane < 4u; lane++) {
        if (k[lane] < params.k) {
          log_softmax_out[row + k[lane]] = v[lane];
        }
      }
    }
  }
}

// Read by the invocation that stored the block, so no barrier is needed.
fn stash_load(br: u32, lead: u32, out_row: u32) -> Lanes {
  let k = lane_k(br, lead);
  let at = vec4u(out_row) + load_k(br, lead);
  var v: vec4f;
  if (WRITE_LOG_SOFTMAX) {
    v = vec4f(log_softmax_out[at.x], log_softmax_out[at.y], log_softmax_out[at.z], log_softmax_out[at.w]);
  } else {
    v = vec4f(y_out[at.x], y_out[at.y], y_out[at.z], y_out[at.w]);
  }
  return lanes_from_v(v, k);
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

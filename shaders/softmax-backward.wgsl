// The straight-through / soft Gumbel-Softmax backward per Philox block of a row:
//   dLogits += (1 / tau) * [ p * (dy - <dy, p>) + (dl - p * sum(dl)) ]
// with p the soft sample recomputed from (logits, seed, stream, offset). Requires bindings dy, dl, d_logits.
//!include softmax-forward.wgsl

override HAS_DY: bool = true;
override HAS_DL: bool = false;
override ACCUMULATE: bool = false; // add into d_logits (samples after the first)

struct Grads {
  dy: vec4f,
  dl: vec4f,
}

fn read_grads(br: u32, lead: u32, grad_row: u32) -> Grads {
  var out: Grads;
  for (var lane = 0u; lane < 4u; lane++) {
    let k = 4u * br + lane - lead;
    if (k < params.k) {
      if (HAS_DY) {
        out.dy[lane] = dy[grad_row + k];
      }
      if (HAS_DL) {
        out.dl[lane] = dl[grad_row + k];
      }
    }
  }
  return out;
}

fn write_grads(x: Lanes, gr: Grads, br: u32, lead: u32, logit_row: u32, total: RowState, ln_s: f32, tau: f32, row_ok: bool) {
  let dot_p = total.dot / total.s; // <dy, p>
  for (var lane = 0u; lane < 4u; lane++) {
    let k = 4u * br + lane - lead;
    if (k < params.k) {
      let ls = max(scaled_diff(x.v[lane], total.m, tau), -F32_MAX) - ln_s;
      let p = select(exp(max(ls, EXP_FLOOR)), 0.0, x.kind[lane] == MASKED);
      var grad = (p * (gr.dy[lane] - dot_p) + (gr.dl[lane] - p * total.sum_dl)) / tau;
      if (!row_ok) {
        grad = f32_from_bits(NAN_BITS);
      }
      if (ACCUMULATE) {
        d_logits[logit_row + k] += grad;
      } else {
        d_logits[logit_row + k] = grad;
      }
    }
  }
}

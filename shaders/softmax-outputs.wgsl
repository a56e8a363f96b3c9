// The forward's outputs of one Philox block of a row. Requires bindings y_out, log_softmax_out.
//!include softmax-forward.wgsl

override WRITE_Y: bool = true;
override WRITE_LOG_SOFTMAX: bool = false;
override WRITE_INDEX: bool = true;
override HARD: bool = false;

fn write_lanes(x: Lanes, br: u32, lead: u32, out_row: u32, total: RowState, ln_s: f32, tau: f32, row_ok: bool) {
  for (var lane = 0u; lane < 4u; lane++) {
    let k = 4u * br + lane - lead;
    if (k < params.k) {
      let masked = x.kind[lane] == MASKED;
      let ls = max(scaled_diff(x.v[lane], total.m, tau), -F32_MAX) - ln_s;
      var ls_out = select(ls, f32_from_bits(NEG_INF_BITS), masked);
      var y = select(exp(max(ls, EXP_FLOOR)), 0.0, masked);
      if (HARD) {
        y = select(0.0, 1.0, k == total.k);
      }
      if (!row_ok) {
        ls_out = f32_from_bits(NAN_BITS);
        y = f32_from_bits(NAN_BITS);
      }
      if (WRITE_Y) {
        y_out[out_row + k] = y;
      }
      if (WRITE_LOG_SOFTMAX) {
        log_softmax_out[out_row + k] = ls_out;
      }
    }
  }
}

// The by-invocation kernels' path for rows that span at most 4 Philox blocks (K <= 13: architecture search's
// few operations per edge, a categorical VAE's 10 classes): v stays in four named values between the passes,
// with no loop over blocks, no stash and no branch on the row's own block count. The host sets FEW_BLOCKS to
// the most blocks any row of the dispatch spans (src/ops/row-layout.ts, fewBlocks), or 0 for the loop over
// blocks; a row that spans fewer finds every lane of its extra blocks outside the row. Requires row_lanes
// (softmax-forward.wgsl).
// Through Dawn on SwiftShader, forward soft at 4096 x 8 2.39 -> 1.80 ms (every row 2 blocks) and 3.26 ->
// 2.70 (3 blocks), backward 3.50 -> 2.26 and 3.85 -> 3.10: there the loop over blocks and the stash took a
// sixth to a third of the kernel (README, "Choices measured").

override FEW_BLOCKS: u32 = 0u;

// v of one block as the stash keeps it (-inf where masked or outside the row), and whether a lane is invalid.
struct FewBlock {
  v: vec4f,
  bad: bool,
}

fn few_block(row: RowSetup, br: u32, logit_row: u32) -> FewBlock {
  let x = row_lanes(row.first_block, row.lead, br, logit_row);
  return FewBlock(v_to_store(x), any(x.kind == vec4u(INVALID)));
}

// A block past the row's end.
fn few_outside() -> FewBlock {
  return FewBlock(vec4f(f32_from_bits(NEG_INF_BITS)), false);
}

fn few_masked(v: vec4f) -> vec4<bool> {
  return bitcast<vec4u>(v) == vec4u(NEG_INF_BITS);
}

fn few_max(v: vec4f) -> f32 {
  let w = select(v, vec4f(-F32_MAX), few_masked(v));
  return max(max(w.x, w.y), max(w.z, w.w));
}

// exp((v - m) / tau) of each lane, 0 where masked: the row's sum is taken after its max, not online.
fn few_exp(v: vec4f, m: f32, tau: f32) -> vec4f {
  return select(exp(max(scaled_diff(v, vec4f(m), tau), vec4f(EXP_FLOOR))), vec4f(0.0), few_masked(v));
}

// The row state of blocks 0 to 3 as far as their v goes: the max, whether any element is finite (count 1: all
// row_valid asks) and whether any is invalid. The kernels add the sums, from few_exp of each block after the
// max (two passes over registers instead of the online rescaling), and the forward the argmax.
fn few_state(b0: FewBlock, b1: FewBlock, b2: FewBlock, b3: FewBlock) -> RowState {
  var st = state_empty();
  st.m = max(max(few_max(b0.v), few_max(b1.v)), max(few_max(b2.v), few_max(b3.v)));
  let finite = !few_masked(b0.v) | !few_masked(b1.v) | !few_masked(b2.v) | !few_masked(b3.v);
  st.count = select(0u, 1u, any(finite));
  st.bad = select(0u, 1u, b0.bad || b1.bad || b2.bad || b3.bad);
  return st;
}

// v's lanes for write_lanes / write_grads.
fn few_lanes(b: FewBlock, br: u32, lead: u32) -> Lanes {
  return lanes_from_v(b.v, lane_k(br, lead));
}

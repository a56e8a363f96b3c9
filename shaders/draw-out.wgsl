// draw.wgsl's output and the store of one Philox block's four values, for draws at any stream position and
// length: lane by lane. draw-out-aligned.wgsl stands in for this piece in draw.wgsl's `aligned` variant
// (tools/wgsl-kernel.ts), which src/ops/draw.ts takes for draws aligned to 4.

@group(0) @binding(1) var<storage, read_write> out: array<u32>; // f32 results are stored as their bits

// Block t's values, the lanes inside the draw. Four stores with constant lane indices rather than a loop over
// lanes: through Dawn on SwiftShader the draws of 2^23 values took 12-19% less time so (bit-identical). A block
// wholly inside the draw stores without a branch per lane: on an H200, draws of 2^24 words took 0.050 ms
// against 0.072 so (0.062 against 0.066 for Gumbel noise).
fn store_block(t: u32, values: vec4u) {
  let i = vec4u(4u * t - draw.lead) + vec4u(0u, 1u, 2u, 3u); // below 0 wraps past n
  let inside = i < vec4u(draw.n);
  let at = i + vec4u(draw.out_shift);
  if (all(inside)) {
    out[at.x] = values.x;
    out[at.y] = values.y;
    out[at.z] = values.z;
    out[at.w] = values.w;
  } else {
    if (inside.x) { out[at.x] = values.x; }
    if (inside.y) { out[at.y] = values.y; }
    if (inside.z) { out[at.z] = values.z; }
    if (inside.w) { out[at.w] = values.w; }
  }
}

// n values of a random stream: raw words, uniform floats or Gumbel noise (TRANSFORM, fixed per pipeline).
//!include dispatch.wgsl
//!include stream.wgsl
//!include gumbel.wgsl

const WG: u32 = 64u;

// 0: raw Philox words, 1: uniform_from_bits, 2: gumbel_from_bits (src/ops/draw.ts names them).
override TRANSFORM: u32 = 0u;

@group(0) @binding(0) var<uniform> draw: DrawParams;
@group(0) @binding(1) var<storage, read_write> out: array<u32>; // f32 results are stored as their bits

fn transform(x: vec4u) -> vec4u {
  switch TRANSFORM {
    case 1u: { return bitcast<vec4u>(uniform_from_bits(x)); }
    case 2u: { return bitcast<vec4u>(gumbel_from_bits(x)); }
    default: { return x; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let t = flat_index(gid, groups, WG);
  if (t >= draw.blocks) {
    return;
  }
  let values = transform(stream_block(draw.key, draw.stream, draw.first_block, t));
  // Four stores with constant lane indices rather than a loop over lanes: through Dawn on SwiftShader the draws
  // of 2^23 values took 12-19% less time so (bit-identical). A block wholly inside the draw stores without a
  // branch per lane: on an H200, draws of 2^24 words took 0.050 ms against 0.072 so (0.062 against 0.066 for
  // Gumbel noise).
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

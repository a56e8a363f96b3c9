// n values of a random stream: raw words, uniform floats or Gumbel noise (TRANSFORM, fixed per pipeline).
//!include dispatch.wgsl
//!include stream.wgsl
//!include gumbel.wgsl
//!include draw-out.wgsl

const WG: u32 = 64u;

// 0: raw Philox words, 1: uniform_from_bits, 2: gumbel_from_bits (src/ops/draw.ts names them).
override TRANSFORM: u32 = 0u;

@group(0) @binding(0) var<uniform> draw: DrawParams;
// Binding 1, the output, is in draw-out.wgsl: its element type depends on the kernel's variant.

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
  store_block(t, transform(stream_block(draw.key, draw.stream, draw.first_block, t)));
}

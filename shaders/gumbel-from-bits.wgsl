// The Gumbel transform applied to caller-given words: lets tests sweep every word range on the GPU.
//!include dispatch.wgsl
//!include gumbel.wgsl

const WG: u32 = 64u;

struct MapParams {
  n: u32,
  shift: u32, // where element 0 of this call sits in the bound words and out ranges
}

@group(0) @binding(0) var<uniform> params: MapParams;
@group(0) @binding(1) var<storage, read> words: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(gid, groups, WG);
  if (i < params.n) {
    out[i + params.shift] = gumbel_from_bits(vec4u(words[i + params.shift])).x; // a test utility: lanes 1-3 wasted
  }
}

// Test-only kernel: philox4x32_10 of caller-given (counter, key) sextuples, for Random123's
// known-answer vectors (the all-ones counter cannot be reached through a stream's offset).
//!include ../../shaders/philox.wgsl

@group(0) @binding(0) var<storage, read> input: array<u32>;   // c0 c1 c2 c3 k0 k1, per case
@group(0) @binding(1) var<storage, read_write> output: array<u32>; // 4 words per case

@compute @workgroup_size(1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (6u * i + 5u >= arrayLength(&input)) {
    return;
  }
  let c = vec4u(input[6u * i], input[6u * i + 1u], input[6u * i + 2u], input[6u * i + 3u]);
  let r = philox4x32_10(c, vec2u(input[6u * i + 4u], input[6u * i + 5u]));
  for (var j = 0u; j < 4u; j++) {
    output[4u * i + j] = r[j];
  }
}

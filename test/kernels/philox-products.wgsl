// Test-only kernel: both ways shaders/philox.wgsl forms a Philox product (by limbs: mulhilo32_m0 for M0 and
// mulhilo32 for M1; by floats: mulhilo32_float), for caller-given words and both multipliers, to compare with
// exact 64-bit products.
//!include ../../shaders/philox.wgsl

@group(0) @binding(0) var<storage, read> input: array<u32>;        // words a
@group(0) @binding(1) var<storage, read_write> output: array<u32>; // per word: (hi, lo) of a * M0, then of a * M1, by limbs then by floats

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= arrayLength(&input)) {
    return;
  }
  let a = input[i];
  let by_limbs_0 = mulhilo32_m0(a);
  let by_limbs_1 = mulhilo32(PHILOX_M1, a);
  let by_floats_0 = mulhilo32_float(a, PHILOX_M0_FLOAT);
  let by_floats_1 = mulhilo32_float(a, PHILOX_M1_FLOAT);
  let words = array<vec2u, 4>(by_limbs_0, by_limbs_1, by_floats_0, by_floats_1);
  for (var j = 0u; j < 4u; j++) {
    output[8u * i + 2u * j] = words[j].x;
    output[8u * i + 2u * j + 1u] = words[j].y;
  }
}

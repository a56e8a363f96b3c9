// draw-out.wgsl in the `aligned` variant: the draw starts a Philox block (lead 0), its length and out_shift are
// multiples of 4 (src/ops/draw.ts, drawAligned), so every block lies inside the draw and is one aligned vec4 of
// the output: one store instead of four, each with its own bounds clamp under robustness (README, "Choices
// measured").

@group(0) @binding(1) var<storage, read_write> out: array<vec4u>; // f32 results are stored as their bits

fn store_block(t: u32, values: vec4u) {
  out[(draw.out_shift >> 2u) + t] = values;
}

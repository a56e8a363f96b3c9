//!include philox.wgsl

// The RNG stream contract (README, "Random streams"): word j of a draw is
// philox4x32_10((block lo, block hi, stream lo, stream hi), seed)[j mod 4] with block = floor(j / 4).
// A thread t produces the four words of block first_block + t; its lane l is element 4 t + l - lead of the
// output, where lead = offset mod 4, so results never depend on workgroup size or dispatch shape.

fn add64(a: vec2u, b: u32) -> vec2u {
  let lo = a.x + b;
  return vec2u(lo, a.y + select(0u, 1u, lo < b));
}

fn stream_block(key: vec2u, stream: vec2u, first_block: vec2u, t: u32) -> vec4u {
  return philox4x32_10(vec4u(add64(first_block, t), stream), key);
}

// Uniform block of every kernel that draws from a stream (the TypeScript side packs it by reflection).
struct DrawParams {
  key: vec2u,          // seed (lo, hi)
  stream: vec2u,       // stream (lo, hi)
  first_block: vec2u,  // floor(offset / 4) (lo, hi)
  lead: u32,           // offset mod 4
  n: u32,              // elements drawn
  blocks: u32,         // Philox blocks that cover them, one per thread
  out_shift: u32,      // where element 0 of this draw sits in the bound output range
}

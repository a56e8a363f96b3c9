// v of the first HELD_BLOCKS blocks that an invocation takes in a workgroup-per-row chunk (blocks
// first + li + j * WG), kept in registers between the passes when HOLD. The host sets HOLD when all of an
// invocation's blocks fit, give or take the one a row's lead adds (holdsRows, src/ops/row-layout.ts), so rows
// of up to 4 * HELD_BLOCKS * WG elements read their logits and write their outputs once, with no stash.
// Indexed only in loops of constant trip count, which compilers unroll, so the array can live in registers
// (H100: forward soft 4096 x 4096 0.157 -> 0.140 ms). Requires override WG and fn cache_allowed
// (row-split.wgsl).

const HELD_BLOCKS: u32 = 4u;
override HOLD: bool = false;

var<private> held_v: array<vec4f, HELD_BLOCKS>;

// Block j of the held blocks of invocation li in a chunk that starts at block `first`.
fn held_block(first: u32, li: u32, j: u32) -> u32 {
  return first + li + j * WG;
}

// Registers do not outlive a dispatch: split rows stash.
fn hold_allowed() -> bool {
  return HOLD && cache_allowed();
}

// The first block of invocation li past its held blocks, when it holds them.
fn first_unheld(first: u32, li: u32, holds: bool) -> u32 {
  return first + li + select(0u, HELD_BLOCKS * WG, holds);
}

// The uniform and Gumbel transforms on the CPU, in float64 and rounded once to f32: the reference the
// GPU's f32 version (shaders/gumbel.wgsl) is held to.

const TWO_POW_32 = 4294967296;

/** u = (floor(x / 2^9) + 0.5) * 2^-23, exact in f32 and strictly inside (0, 1). */
export function uniformFromBits(x: number): number {
  return ((x >>> 9) + 0.5) * 2 ** -23;
}

/** g = -ln(-ln u) with u = (x + 0.5) / 2^32 exactly, in float64; finite for every 32-bit word. */
export function gumbelFromBits64(x: number): number {
  // For u >= 1/2, d = 1 - u is exact in float64 and log1p keeps -ln u's relative precision.
  const negLnU = x < 0x80000000 ? -Math.log((x + 0.5) / TWO_POW_32) : -Math.log1p(-(TWO_POW_32 - 1 - x + 0.5) / TWO_POW_32);
  return -Math.log(negLnU);
}

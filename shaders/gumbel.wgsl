// Uniform and Gumbel transforms of Philox words, and a logarithm that does not depend on the platform's log().
// WGSL promises log() only to an absolute 2^-21 on [0.5, 2]: too coarse for -ln u with u near 1, which must
// keep its relative precision. Nothing here produces or relies on subnormals. The transforms take a whole
// Philox block (vec4u): one vector expression instead of a loop over lanes, which software adapters run
// several times faster.

const LN2: f32 = 0.69314718055994530942;
const TWO_POW_M32: f32 = 2.3283064365386963e-10;
const TWO_POW_M23: f32 = 1.1920928955078125e-7;

// ln((1 + s) / (1 - s)) = 2 atanh(s) for |s| <= 1/3, by its series through s^15:
// the first omitted term is below 2^-29 of the sum, so only f32 rounding remains.
fn log_ratio(s: vec4f) -> vec4f {
  let s2 = s * s;
  var p = vec4f(1.0 / 15.0);
  p = p * s2 + 1.0 / 13.0;
  p = p * s2 + 1.0 / 11.0;
  p = p * s2 + 1.0 / 9.0;
  p = p * s2 + 1.0 / 7.0;
  p = p * s2 + 1.0 / 5.0;
  p = p * s2 + 1.0 / 3.0;
  p = p * s2 + 1.0;
  return 2.0 * s * p;
}

// Natural log of a positive normal f32 to a few ulp: x = m * 2^e with m in [sqrt(1/2), sqrt(2)).
fn ln_accurate(x: f32) -> f32 {
  let bits = bitcast<u32>(x);
  var e = i32(bits >> 23u) - 126;
  var m = bitcast<f32>((bits & 0x007FFFFFu) | 0x3F000000u);
  if (m < 0.70710678) {
    m = m * 2.0;
    e = e - 1;
  }
  return f32(e) * LN2 + log_ratio(vec4f((m - 1.0) / (m + 1.0))).x;
}

// u = (floor(x / 2^9) + 0.5) * 2^-23: exact in f32 and strictly inside (0, 1).
fn uniform_from_bits(x: vec4u) -> vec4f {
  return (vec4f(x >> vec4u(9u)) + 0.5) * TWO_POW_M23;
}

// g = -ln(-ln u) with u the exact real (x + 0.5) / 2^32, so all 32 bits count:
// finite for every word, from about -3.13 (x = 0) to about 22.87 (x = 2^32 - 1).
// The platform's log() is used only where WGSL's guarantee suffices: for u < 1/2 (3 ulp, since u is outside
// [0.5, 2]) and for the outer log (3 ulp, or 2^-21 absolute on [0.5, 2], where g is near 0 and the
// tolerance is absolute). For u >= 1/2, -ln u is tiny and needs relative precision: take d = 1 - u exactly
// from the bits, then -ln(1 - d) = ln((1 + s) / (1 - s)) with s = d / (2 - d). Both halves are computed
// and one is selected, so neighbouring invocations do not diverge.
fn gumbel_from_bits(x: vec4u) -> vec4f {
  let u = (vec4f(x) + 0.5) * TWO_POW_M32;
  let d = (vec4f(~x) + 0.5) * TWO_POW_M32;
  let neg_ln_u = select(-log(u), log_ratio(d / (2.0 - d)), x >= vec4u(0x80000000u));
  return -log(neg_ln_u);
}

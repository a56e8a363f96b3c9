// Philox4x32-10 (Salmon et al., SC'11), bit-exact with Random123's philox4x32_R(10, ctr, key).
// WGSL has neither 64-bit integers nor mulhi, so the 32x32 -> 64 product is built from 16-bit limbs
// (mulhilo32, and mulhilo32_m0 for M0) or, where the host sets PHILOX_FLOAT_PRODUCTS, from f32 arithmetic
// (mulhilo32_float): the same words either way.

// The multipliers also as abstract integers, with which constant expressions can compute past 32 bits.
const PHILOX_M0_INT = 0xD2511F53;
const PHILOX_M1_INT = 0xCD9E8D57;
const PHILOX_M0: u32 = PHILOX_M0_INT;
const PHILOX_M1: u32 = PHILOX_M1_INT;
const PHILOX_W0: u32 = 0x9E3779B9u;
const PHILOX_W1: u32 = 0xBB67AE85u;

// (high word, low word) of the 64-bit product a * b, from four 16 x 16-bit partial products. Neither sum
// below can overflow: al * bh + (al * bl >> 16) <= (2^16 - 1)^2 + 2^16 - 1 < 2^32, and likewise for u.
fn mulhilo32(a: u32, b: u32) -> vec2u {
  let al = a & 0xFFFFu;
  let ah = a >> 16u;
  let bl = b & 0xFFFFu;
  let bh = b >> 16u;
  let t = al * bh + ((al * bl) >> 16u);
  let u = ah * bl + (t & 0xFFFFu);
  return vec2u(ah * bh + (t >> 16u) + (u >> 16u), a * b);
}

// mulhilo32(PHILOX_M0, a) in 12 operations rather than 15 (Philox 0.89x on an H200). With a's limbs al, ah and
// M0's bl, bh: bl + bh < 2^16, so the middle sum ah * bl + al * bh + (al * bl >> 16) is below
// (2^16 - 1) * (bl + bh + 1) <= (2^16 - 1) * 2^16 and needs no carry of its own. M1's limbs sum to more.
const_assert (PHILOX_M0 >> 16u) + (PHILOX_M0 & 0xFFFFu) < 65536u;
fn mulhilo32_m0(a: u32) -> vec2u {
  let al = a & 0xFFFFu;
  let ah = a >> 16u;
  let bl = PHILOX_M0 & 0xFFFFu;
  let bh = PHILOX_M0 >> 16u;
  let s = ah * bl + al * bh + ((al * bl) >> 16u);
  return vec2u(ah * bh + (s >> 16u), a * PHILOX_M0);
}

// Set by the host on adapters that run on the CPU (CreateOptions.philoxFloatProducts): SwiftShader's Subzero
// code generator runs each vector shift one lane at a time (16 instructions, four per mulhilo32), while
// mulhilo32_float needs none.
override PHILOX_FLOAT_PRODUCTS: bool = false;

// The constants of mulhilo32_float for one multiplier m = mh * 2^16 + ml: ml_f = ml / 2^32 exactly, m_f =
// m / 2^32 rounded to f32, and bias = (m - 1) / 2 - 0x4B400000 * (mh + 1) mod 2^32 (below).
struct FloatProduct {
  m: u32,
  mh: u32,
  ml_f: f32,
  m_f: f32,
  bias: u32,
}

// The bias is computed in abstract integers (WGSL rejects u32 constant expressions that wrap): the expression
// is negative, so its remainder by 2^32 plus 2^32 is the u32 wanted.
const PHILOX_M0_FLOAT = FloatProduct(
  PHILOX_M0, PHILOX_M0 >> 16u, f32(PHILOX_M0 & 0xFFFFu) / 4294967296.0, f32(PHILOX_M0) / 4294967296.0,
  u32(((PHILOX_M0_INT >> 1) - 0x4B400000 * ((PHILOX_M0_INT >> 16) + 1)) % 0x100000000 + 0x100000000),
);
const PHILOX_M1_FLOAT = FloatProduct(
  PHILOX_M1, PHILOX_M1 >> 16u, f32(PHILOX_M1 & 0xFFFFu) / 4294967296.0, f32(PHILOX_M1) / 4294967296.0,
  u32(((PHILOX_M1_INT >> 1) - 0x4B400000 * ((PHILOX_M1_INT >> 16) + 1)) % 0x100000000 + 0x100000000),
);

// (high word, low word) of a * m for a constant odd m, shift-free and select-free. With a = A + 2^31,
// A = ah * 2^16 + al (ah signed, from a ^ 2^31 read as an i32): a * m / 2^32 = ah * mh + (m - 1) / 2 + y + 1/2
// where y = ah * ml / 2^16 + al * m / 2^32, and the fraction of y + 1/2 is lo / 2^32 exactly (lo = a * m mod
// 2^32). So floor(y + 1/2) = round(y + 1/2 - lo / 2^32) = round(y - (lo - 2^31) / 2^32), with lo - 2^31 also
// from lo ^ 2^31 read as an i32; it needs y only to within 1/2 (the f32 roundings below stay under 2^-5). Then
// hi = ah * mh + (m - 1) / 2 + floor(y + 1/2). Signed conversions: one cvtdq2ps each on SwiftShader.
fn mulhilo32_float(a: u32, p: FloatProduct) -> vec2u {
  let lo = a * p.m;
  let ah_2p16 = f32(bitcast<i32>((a ^ 0x80000000u) & 0xFFFF0000u)); // ah * 2^16: 16 significant bits, exact
  let al = f32(bitcast<i32>(a & 0xFFFFu));
  let y = ah_2p16 * p.ml_f + al * p.m_f;
  let r = y - f32(bitcast<i32>(lo ^ 0x80000000u)) * (1.0 / 4294967296.0);
  // Adding 1.5 * 2^23 to a float within 2^22 of zero rounds it to the integer held in the significand's low
  // bits: 0x4B400000 + that integer, an offset that p.bias takes back out.
  let floor_bits = bitcast<u32>(r + 12582912.0);
  let ah_bits = bitcast<u32>(ah_2p16 * (1.0 / 65536.0) + 12582912.0);
  return vec2u(ah_bits * p.mh + floor_bits + p.bias, lo);
}

fn philox_round(c: vec4u, k: vec2u) -> vec4u {
  var p0: vec2u;
  var p1: vec2u;
  if (PHILOX_FLOAT_PRODUCTS) {
    p0 = mulhilo32_float(c.x, PHILOX_M0_FLOAT);
    p1 = mulhilo32_float(c.z, PHILOX_M1_FLOAT);
  } else {
    p0 = mulhilo32_m0(c.x);
    p1 = mulhilo32(PHILOX_M1, c.z);
  }
  return vec4u(p1.x ^ c.y ^ k.x, p1.y, p0.x ^ c.w ^ k.y, p0.y);
}

fn philox4x32_10(counter: vec4u, key: vec2u) -> vec4u {
  var c = philox_round(counter, key);
  var k = key;
  for (var r = 1u; r < 10u; r++) {
    k += vec2u(PHILOX_W0, PHILOX_W1);
    c = philox_round(c, k);
  }
  return c;
}

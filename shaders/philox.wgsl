// Philox4x32-10 (Salmon et al., SC'11), bit-exact with Random123's philox4x32_R(10, ctr, key).
// WGSL has neither 64-bit integers nor mulhi, so the 32x32 -> 64 product is built from 16-bit limbs.

const PHILOX_M0: u32 = 0xD2511F53u;
const PHILOX_M1: u32 = 0xCD9E8D57u;
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

fn philox_round(c: vec4u, k: vec2u) -> vec4u {
  let p0 = mulhilo32(PHILOX_M0, c.x);
  let p1 = mulhilo32(PHILOX_M1, c.z);
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

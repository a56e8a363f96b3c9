// Shared by the Gumbel-Softmax kernels: parameters, the classification of logits, the per-row online
// state (running max, rescaled sums, argmax), and the noise of one Philox block of a row.
// Sample-row g (= s * R + r) reads logits row r = g mod R, and its element k takes the stream word at
// position base + g * K + k (README, "Gumbel-Softmax").
//!include stream.wgsl
//!include gumbel.wgsl

const F32_MAX: f32 = 0x1.fffffep+127f; // the largest finite f32
const NEG_INF_BITS: u32 = 0xFF800000u;
const NAN_BITS: u32 = 0x7FC00000u;
const NO_INDEX: u32 = 0xFFFFFFFFu;
// -inf and NaN as runtime values: WGSL rejects them in constant expressions.
fn f32_from_bits(bits: u32) -> f32 {
  return bitcast<f32>(bits);
}

// exp() of anything below this is 0 in f32; clamping keeps overflowed (infinite) differences out of exp().
const EXP_FLOOR: f32 = -200.0;

struct SoftmaxParams {
  key: vec2u,
  stream: vec2u,
  base: vec2u,       // stream offset (lo, hi)
  first_row: u32,    // global sample-row index of this dispatch's row 0
  rows: u32,         // sample-rows in this dispatch
  batch_rows: u32,   // R
  k: u32,            // K, the softmax length
  tau: f32,          // the temperature when TAU_PER_ROW is false
  out_base: u32,     // element index of the first bound element of y / logSoftmax (dy / dLogSoftmax in the backward)
  index_base: u32,   // element index of the first bound element of index
  logit_base: u32,   // element index of the first bound element of logits (and of dLogits in the backward)
  tau_base: u32,     // element index of the first bound element of taus
  chunks: u32,       // workgroups per row (row-split.wgsl; 1 in the by-invocation kernels)
  chunk_blocks: u32, // Philox blocks per workgroup of a row (row-split.wgsl)
}

// Per-row temperature from a tensor instead of params.tau.
override TAU_PER_ROW: bool = false;

// The class of each logit of a block, from its bits (compilers may assume NaN and infinities away in float
// comparisons).
const FINITE: u32 = 0u;
const MASKED: u32 = 1u;  // -inf: probability 0, never chosen
const INVALID: u32 = 2u; // NaN or +inf: the whole row becomes NaN

fn classify(x: vec4f) -> vec4u {
  let bits = bitcast<vec4u>(x);
  let special = (bits & vec4u(0x7F800000u)) == vec4u(0x7F800000u);
  let kind = select(vec4u(INVALID), vec4u(MASKED), bits == vec4u(NEG_INF_BITS));
  return select(vec4u(FINITE), kind, special);
}

// A temperature is usable when it is a positive normal finite f32.
fn tau_is_valid(tau: f32) -> bool {
  let e = bitcast<u32>(tau) >> 23u; // sign and exponent
  return e > 0u && e < 0xFFu;
}

// Online softmax state of a set of elements, relative to its running max m of v = logit + noise:
// s = sum exp((v - m) / tau), dot = sum dy * exp((v - m) / tau), sum_dl = sum dLogSoftmax,
// k = the lowest index attaining m, count = finite elements seen, bad = 1 when an invalid logit was seen.
struct RowState {
  m: f32,
  s: f32,
  dot: f32,
  sum_dl: f32,
  k: u32,
  count: u32,
  bad: u32,
  pad: u32,
}

fn state_empty() -> RowState {
  return RowState(-F32_MAX, 0.0, 0.0, 0.0, NO_INDEX, 0u, 0u, 0u);
}

// (a - b) / tau, also where a - b overflows f32 but the quotient does not (a = -3e38, b = 3e38, tau = 1e3):
// from the halves, which cannot overflow. Halving and doubling are exact in the normal range, so this equals
// (a - b) / tau bit for bit wherever that does not overflow; only inputs below 2^-125, whose halves are
// subnormal, may lose bits (or flush to 0): far under v's own error. A quotient beyond f32 is +-inf either
// way. Branch-free and cheaper than checking a - b for overflow (H200, bit-identical outputs: forward soft
// 4096 x 4096 0.133 -> 0.127 ms).
fn scaled_diff(a: vec4f, b: vec4f, tau: f32) -> vec4f {
  return (a * 0.5 - b * 0.5) / tau * 2.0;
}

// exp(-|a - b| / tau), the rescaling factor between two maxima.
fn rescale(a: f32, b: f32, tau: f32) -> f32 {
  return exp(max(-abs(scaled_diff(vec4f(a), vec4f(b), tau).x), EXP_FLOOR));
}

// Merges two states; on equal maxima the lower index wins, so the result is argmax with lowest-k ties.
fn state_merge(a: RowState, b: RowState, tau: f32) -> RowState {
  var hi = a;
  var lo = b;
  if (b.count > 0u && (a.count == 0u || b.m > a.m || (b.m == a.m && b.k < a.k))) {
    hi = b;
    lo = a;
  }
  // An empty side contributes nothing (its s and dot are 0), whatever its placeholder max.
  let d = rescale(hi.m, lo.m, tau);
  return RowState(hi.m, hi.s + lo.s * d, hi.dot + lo.dot * d, a.sum_dl + b.sum_dl, hi.k, a.count + b.count, a.bad | b.bad, 0u);
}

// Whether a row's outputs are numbers: no invalid logit, a finite one at least, a usable temperature.
fn row_valid(total: RowState, tau: f32) -> bool {
  return total.bad == 0u && total.count > 0u && tau_is_valid(tau);
}

// Where sample-row g starts in the stream, position offset + g * K, as its Philox block and lead (the position
// mod 4): (block lo, block hi, lead). The position takes 65 bits: the offset is below 2^64 and g * K too, and
// positions past 2^64 do not wrap (README, "Random streams"), so the block, below 2^63, takes bit 64's carry.
fn row_start(g: u32) -> vec3u {
  let p = mulhilo32(g, params.k); // (hi, lo)
  let lo = params.base.x + p.y;
  let mid = params.base.y + p.x;
  let hi = mid + select(0u, 1u, lo < p.y);
  let carry = select(0u, 1u, mid < p.x || hi < mid); // at most one of the two additions wraps
  return vec3u((lo >> 2u) | (hi << 30u), (hi >> 2u) | (carry << 30u), lo & 3u);
}

// Where sample-row q of this dispatch sits: its global index g, logits row r, temperature, the Philox block
// of its element 0 and that element's lane in it (lead), and the blocks its K words span.
struct RowSetup {
  g: u32,
  r: u32,
  tau: f32,
  first_block: vec2u,
  lead: u32,
  blocks: u32,
}

fn row_setup(q: u32) -> RowSetup {
  let g = params.first_row + q;
  let r = g % params.batch_rows;
  let start = row_start(g);
  return RowSetup(g, r, row_tau(r), start.xy, start.z, (start.z + params.k + 3u) / 4u);
}

fn row_tau(r: u32) -> f32 {
  if (TAU_PER_ROW) {
    return taus[r - params.tau_base];
  }
  return params.tau;
}

// Float64 reference of Gumbel-Softmax forward and backward from given noise words, with the per-element
// tolerances of README "Accuracy". Independent of src/: noise from gumbel64, sums in float64.
import { gumbel64, xorshift } from './reference.js';

const U = 2 ** -24; // f32 unit roundoff
const F32_MAX = 3.4028234663852886e38;
const NO_INDEX = 0xffffffff;
/**
 * GPUs may flush subnormals, in results and inside exp(): on SwiftShader a gradient term came out 0 where
 * the float64 p was a few times the smallest normal (1.2e-38). So p or y below 2^-120 (7.5e-37) may be 0.
 */
const SUBNORMAL_FLOOR = 2 ** -120;

export interface SoftmaxCase {
  /** f32 inputs, or float64 for finite differences. */
  logits: Float32Array | Float64Array;
  R: number;
  K: number;
  S: number;
  /** Per logits row. */
  taus: Float32Array;
  /** S * R * K words of the draw. */
  words: Uint32Array;
}

export interface RowRef {
  valid: boolean;
  /** Indices whose v is within error of the max: any of them is an acceptable argmax. */
  allowed: number[];
  index: number;
  z: Float64Array;
  ls: Float64Array;
  p: Float64Array;
  tolLs: Float64Array;
  tau: number;
}

/** Bound on |v_f32 - v| for v = l + g: the stated Gumbel tolerance plus the rounding of the sum. */
const vError = (g: number, v: number): number => 4e-6 * Math.max(1, Math.abs(g)) + 2 * U * Math.abs(v);

export function referenceRow(c: SoftmaxCase, sampleRow: number): RowRef {
  const { K } = c;
  const r = sampleRow % c.R;
  const tau = c.taus[r]!;
  const v = new Float64Array(K);
  const err = new Float64Array(K);
  let valid = tau >= 2 ** -126 && tau <= F32_MAX;
  let m = -Infinity;
  let index = NO_INDEX;
  for (let k = 0; k < K; k++) {
    const l = c.logits[r * K + k]!;
    if (Number.isNaN(l) || l === Infinity) valid = false;
    if (l === -Infinity || !Number.isFinite(l)) {
      v[k] = -Infinity;
      continue;
    }
    const g = gumbel64(c.words[sampleRow * K + k]!);
    v[k] = l + g;
    err[k] = vError(g, v[k]!);
    if (v[k]! > m) {
      m = v[k]!;
      index = k;
    }
  }
  if (index === NO_INDEX) valid = false;
  const empty = new Float64Array(0);
  if (!valid) return { valid, allowed: [NO_INDEX], index: NO_INDEX, z: empty, ls: empty, p: empty, tolLs: empty, tau };
  const E = err[index]!;
  const allowed: number[] = [];
  for (let k = 0; k < K; k++) if (v[k]! >= m - (err[k]! + E)) allowed.push(k);
  const z = v.map((x) => (x === -Infinity ? -Infinity : Math.max((x - m) / tau, -F32_MAX)));
  let s = 0;
  for (const x of z) s += Math.exp(x);
  const lse = Math.log(s);
  const ls = z.map((x) => x - lse);
  const p = ls.map((x) => Math.exp(x));
  // Error of the log-sum-exp: the max's error moves every z; exp() is good to (3 + 2|z|) ulp; the sums are
  // serial within an invocation (up to ceil(K / 256) terms) and then a tree (<= 8 levels) or subgroup merges.
  let expErr = 0;
  for (let k = 0; k < K; k++) if (z[k]! > -200) expErr += p[k]! * (3 + 2 * Math.abs(z[k]!)) * U;
  const sumTerms = K <= 64 ? K : Math.ceil(K / 256) + 72;
  let maxErr = 0;
  for (const e of err) maxErr = Math.max(maxErr, e);
  const dLse = (2 * maxErr) / tau + expErr + 2 * sumTerms * U + 8 * U * (1 + Math.abs(lse));
  const tolLs = z.map((x, k) => (x === -Infinity ? 0 : (err[k]! + E) / tau + 3 * U * Math.abs(x) + dLse));
  return { valid, allowed, index, z, ls, p, tolLs, tau };
}

export interface ForwardCheck {
  rows: number;
  invalidRows: number;
  /** Rows whose argmax had more than one acceptable index. */
  nearTies: number;
  indexFailures: number;
  /** Largest |error| / tolerance over elements (must be <= 1). */
  worstLs: number;
  worstY: number;
  failures: number;
  firstFailure: string | null;
}

/** Checks forward outputs of one backend against the reference (any of them may be null). */
export function checkForward(c: SoftmaxCase, hard: boolean, y: Float32Array | null, ls: Float32Array | null, index: Uint32Array | null): ForwardCheck {
  const out: ForwardCheck = { rows: c.S * c.R, invalidRows: 0, nearTies: 0, indexFailures: 0, worstLs: 0, worstY: 0, failures: 0, firstFailure: null };
  const fail = (msg: string) => {
    out.failures++;
    out.firstFailure ??= msg;
  };
  const K = c.K;
  for (let g = 0; g < c.S * c.R; g++) {
    const ref = referenceRow(c, g);
    if (!ref.valid) {
      out.invalidRows++;
      if (index && index[g] !== NO_INDEX) fail(`row ${g}: invalid row gave index ${index[g]}`);
      for (let k = 0; k < K; k++) {
        if (y && !Number.isNaN(y[g * K + k]!)) fail(`row ${g}: invalid row gave y[${k}] = ${y[g * K + k]}`);
        if (ls && !Number.isNaN(ls[g * K + k]!)) fail(`row ${g}: invalid row gave logSoftmax[${k}] = ${ls[g * K + k]}`);
      }
      continue;
    }
    if (ref.allowed.length > 1) out.nearTies++;
    const idx = index ? index[g]! : ref.index;
    if (!ref.allowed.includes(idx)) {
      out.indexFailures++;
      fail(`row ${g}: index ${idx}, reference ${ref.index} (allowed ${ref.allowed.slice(0, 5)})`);
    }
    for (let k = 0; k < K; k++) {
      const at = g * K + k;
      if (ls) {
        const got = ls[at]!;
        if (ref.z[k] === -Infinity) {
          if (got !== -Infinity) fail(`row ${g}: masked logSoftmax[${k}] = ${got}`);
        } else {
          const ratio = Math.abs(got - ref.ls[k]!) / ref.tolLs[k]!;
          out.worstLs = Math.max(out.worstLs, Number.isNaN(ratio) ? Infinity : ratio);
          if (!(ratio <= 1)) fail(`row ${g}: logSoftmax[${k}] = ${got}, reference ${ref.ls[k]} (tolerance ${ref.tolLs[k]})`);
        }
      }
      if (y) {
        const got = y[at]!;
        if (hard) {
          if (got !== (k === idx ? 1 : 0)) fail(`row ${g}: hard y[${k}] = ${got} with index ${idx}`);
        } else if (ref.z[k] === -Infinity) {
          if (got !== 0) fail(`row ${g}: masked y[${k}] = ${got}`);
        } else {
          const want = ref.p[k]!;
          const tol = want * (ref.tolLs[k]! + (3 + 2 * Math.abs(ref.ls[k]!)) * U) + SUBNORMAL_FLOOR;
          const ratio = Math.abs(got - want) / tol;
          out.worstY = Math.max(out.worstY, Number.isNaN(ratio) ? Infinity : ratio);
          if (!(ratio <= 1)) fail(`row ${g}: y[${k}] = ${got}, reference ${want} (tolerance ${tol})`);
        }
      }
    }
  }
  return out;
}

/** Reference dLogits and per-element tolerances for upstream gradients dy / dl (either may be null). */
export function referenceBackward(c: SoftmaxCase, dy: Float32Array | null, dl: Float32Array | null): { grad: Float64Array; tol: Float64Array } {
  const { R, K } = c;
  const grad = new Float64Array(R * K);
  const tol = new Float64Array(R * K);
  for (let g = 0; g < c.S * R; g++) {
    const r = g % R;
    const ref = referenceRow(c, g);
    if (!ref.valid) {
      grad.fill(NaN, r * K, (r + 1) * K);
      continue;
    }
    let dot = 0;
    let sumDl = 0;
    let absDot = 0;
    let absDl = 0;
    let epsP = 0;
    for (let k = 0; k < K; k++) {
      const e = ref.z[k] === -Infinity ? 0 : ref.tolLs[k]! + (3 + 2 * Math.abs(ref.ls[k]!)) * U;
      epsP = Math.max(epsP, e);
      if (dy) {
        dot += dy[g * K + k]! * ref.p[k]!;
        absDot += Math.abs(dy[g * K + k]!) * ref.p[k]!;
      }
      if (dl) {
        sumDl += dl[g * K + k]!;
        absDl += Math.abs(dl[g * K + k]!);
      }
    }
    const sumTerms = K <= 64 ? K : Math.ceil(K / 256) + 72;
    const dDot = absDot * epsP + 2 * sumTerms * U * absDot;
    const dSumDl = 2 * sumTerms * U * absDl;
    for (let k = 0; k < K; k++) {
      const p = ref.p[k]!;
      const dyk = dy ? dy[g * K + k]! : 0;
      const dlk = dl ? dl[g * K + k]! : 0;
      const value = (p * (dyk - dot) + (dlk - p * sumDl)) / ref.tau;
      grad[r * K + k]! += value;
      const bound = p * epsP * (Math.abs(dyk) + Math.abs(dot) + Math.abs(sumDl)) + p * (dDot + dSumDl) + 8 * U * (p * (Math.abs(dyk) + Math.abs(dot) + Math.abs(sumDl)) + Math.abs(dlk));
      // A p below the normal range may be flushed to 0 on the GPU: allow that p's whole contribution.
      const flushed = SUBNORMAL_FLOOR * (Math.abs(dyk) + Math.abs(dot) + Math.abs(sumDl));
      tol[r * K + k]! += (bound + flushed) / ref.tau + 4 * U * Math.abs(value);
    }
  }
  return { grad, tol };
}

/** Largest |got - want| / tol (NaN where want is NaN must be NaN in got too). */
export function checkBackward(got: Float32Array, ref: { grad: Float64Array; tol: Float64Array }): { worst: number; failures: number; firstFailure: string | null } {
  let worst = 0;
  let failures = 0;
  let firstFailure: string | null = null;
  for (let i = 0; i < got.length; i++) {
    const want = ref.grad[i]!;
    if (Number.isNaN(want)) {
      if (!Number.isNaN(got[i]!)) {
        failures++;
        firstFailure ??= `dLogits[${i}] = ${got[i]}, expected NaN`;
      }
      continue;
    }
    const ratio = Math.abs(got[i]! - want) / (ref.tol[i]! + SUBNORMAL_FLOOR);
    worst = Math.max(worst, Number.isNaN(ratio) ? Infinity : ratio);
    if (!(ratio <= 1)) {
      failures++;
      firstFailure ??= `dLogits[${i}] = ${got[i]}, reference ${want} (tolerance ${ref.tol[i]})`;
    }
  }
  return { worst, failures, firstFailure };
}

/** Test logits from a fixed seed: values in [-scale, scale], a fraction masked with -inf (never a whole row). */
export function makeLogits(R: number, K: number, seed: number, scale = 3, maskFraction = 0.1): Float32Array {
  const bits = xorshift(seed);
  const next = () => bits() / 2 ** 32;
  const out = new Float32Array(R * K);
  for (let r = 0; r < R; r++) {
    for (let k = 0; k < K; k++) out[r * K + k] = k > 0 && next() < maskFraction ? -Infinity : (2 * next() - 1) * scale;
  }
  return out;
}

/** Per-row temperatures from a fixed seed, log-uniform in [lo, hi]. */
export function makeTaus(R: number, seed: number, lo = 0.05, hi = 10): Float32Array {
  const out = new Float32Array(R);
  let s = seed >>> 0 || 1;
  for (let r = 0; r < R; r++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[r] = lo * (hi / lo) ** (s / 2 ** 32);
  }
  return out;
}

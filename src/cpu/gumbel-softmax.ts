// Gumbel-Softmax forward and backward on the CPU: the twins of shaders/gumbel-softmax*.wgsl, computed in
// float64 from the same noise (the f32 Gumbel values of the same words) and rounded once on output.
import type { BackwardPlan, ForwardPlan } from '../softmax-plan.js';
import { newArray } from './arrays.js';
import { drawWords } from './philox.js';
import { gumbelFromBits64 } from './transforms.js';

const F32_MAX = 3.4028234663852886e38;
const NO_INDEX = 0xffffffff;

export interface ForwardArrays {
  y: Float32Array | null;
  logSoftmax: Float32Array | null;
  index: Uint32Array | null;
}

/**
 * One sample-row's softmax, or null when the row is invalid (NaN or +inf logit, no finite logit, bad tau). Its
 * arrays are the caller's scratch of K elements, reused row after row (allocating them per row made garbage
 * collection a fifth of a 14 x 8 call).
 */
interface RowResult {
  /** (v - max) / tau clamped at -F32_MAX, -Infinity where masked. */
  z: Float64Array;
  /** exp(z), and its sum s: the soft sample is e / s (one exp per element), logSoftmax z - ln s. */
  e: Float64Array;
  s: number;
  index: number;
}

interface RowScratch {
  v: Float64Array;
  z: Float64Array;
  e: Float64Array;
}

const rowScratch = (K: number): RowScratch => ({ v: new Float64Array(K), z: new Float64Array(K), e: new Float64Array(K) });

function softmaxRow(logits: Float32Array, row: number, K: number, words: Uint32Array, wordRow: number, tau: number, scratch: RowScratch): RowResult | null {
  if (!(tau >= 2 ** -126 && tau <= F32_MAX)) return null;
  const { v, z, e } = scratch;
  let m = -Infinity;
  let index = NO_INDEX;
  for (let k = 0; k < K; k++) {
    const l = logits[row + k]!;
    if (Number.isNaN(l) || l === Infinity) return null;
    if (l === -Infinity) {
      v[k] = -Infinity;
      continue;
    }
    v[k] = l + Math.fround(gumbelFromBits64(words[wordRow + k]!));
    if (v[k]! > m) {
      m = v[k]!;
      index = k;
    }
  }
  if (index === NO_INDEX) return null;
  let s = 0;
  for (let k = 0; k < K; k++) {
    z[k] = v[k] === -Infinity ? -Infinity : Math.max((v[k]! - m) / tau, -F32_MAX);
    s += e[k] = Math.exp(z[k]!);
  }
  return { z, e, s, index };
}

function rowTau(plan: ForwardPlan | BackwardPlan, taus: Float32Array | null, r: number): number {
  return taus ? taus[r]! : plan.tau!;
}

export function gumbelSoftmaxCpu(plan: ForwardPlan, logits: Float32Array, taus: Float32Array | null): ForwardArrays {
  const { R, K, S } = plan;
  const n = S * R * K;
  const out: ForwardArrays = {
    y: plan.outputs.has('y') ? newArray(Float32Array, n) : null,
    logSoftmax: plan.outputs.has('logSoftmax') ? newArray(Float32Array, n) : null,
    index: plan.outputs.has('index') ? newArray(Uint32Array, S * R) : null,
  };
  const words = drawWords(n, plan.pos);
  const scratch = rowScratch(K);
  const { y, logSoftmax, index } = out;
  for (let g = 0; g < S * R; g++) {
    const r = g % R;
    const res = softmaxRow(logits, r * K, K, words, g * K, rowTau(plan, taus, r), scratch);
    const at = g * K;
    if (index) index[g] = res ? res.index : NO_INDEX;
    if (!res) {
      y?.fill(NaN, at, at + K);
      logSoftmax?.fill(NaN, at, at + K);
      continue;
    }
    if (logSoftmax) {
      const lse = Math.log(res.s);
      for (let k = 0; k < K; k++) logSoftmax[at + k] = res.z[k]! - lse;
    }
    if (y && plan.hard) y[at + res.index] = 1; // the rest stays 0
    else if (y) for (let k = 0; k < K; k++) y[at + k] = res.e[k]! / res.s;
  }
  return out;
}

export function gumbelSoftmaxBackwardCpu(
  plan: BackwardPlan,
  logits: Float32Array,
  taus: Float32Array | null,
  dy: Float32Array | null,
  dl: Float32Array | null,
): Float32Array {
  const { R, K, S } = plan;
  const grad = new Float64Array(R * K);
  const words = drawWords(S * R * K, plan.pos);
  const scratch = rowScratch(K);
  const p = new Float64Array(K);
  for (let g = 0; g < S * R; g++) {
    const r = g % R;
    const tau = rowTau(plan, taus, r);
    const res = softmaxRow(logits, r * K, K, words, g * K, tau, scratch);
    if (!res) {
      grad.fill(NaN, r * K, (r + 1) * K);
      continue;
    }
    for (let k = 0; k < K; k++) p[k] = res.e[k]! / res.s;
    // y is 0 at a masked logit (z = -inf) whatever the logits, so dy there has no effect, even where it is
    // not finite (0 * inf would be NaN), as in the kernels.
    let dot = 0;
    let sumDl = 0;
    for (let k = 0; k < K; k++) {
      if (dy && res.z[k] !== -Infinity) dot += dy[g * K + k]! * p[k]!;
      if (dl) sumDl += dl[g * K + k]!;
    }
    for (let k = 0; k < K; k++) {
      const fromDy = dy && res.z[k] !== -Infinity ? p[k]! * (dy[g * K + k]! - dot) : 0;
      const dlk = dl ? dl[g * K + k]! : 0;
      grad[r * K + k]! += (fromDy + (dlk - p[k]! * sumDl)) / tau;
    }
  }
  return Float32Array.from(grad);
}

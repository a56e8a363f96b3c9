// The toy architecture search: E edges, M candidate operations each, a hidden quality per operation.
// Architecture logits are trained with straight-through Gumbel-Softmax: each step samples S one-hot
// architectures (the forward kernel), scores them, and the backward kernel turns dLoss/dy into dLogits.
import type { GumbelRuntime, Tensor } from '../src/index.js';

export interface SearchOptions {
  edges: number;
  ops: number;
  steps: number;
  /** Architectures sampled per step. */
  samples: number;
  schedule: 'exponential' | 'linear';
  tauMax: number;
  tauMin: number;
  /** Adam step size. */
  learningRate: number;
  seed: number;
}

export const DEFAULT_SEARCH: SearchOptions = {
  edges: 14,
  ops: 8,
  steps: 300,
  samples: 8,
  schedule: 'exponential',
  tauMax: 5,
  tauMin: 0.1,
  learningRate: 0.08,
  seed: 7,
};

export interface StepReport {
  step: number;
  tau: number;
  /** Mean loss of this step's sampled architectures: 1 - mean quality of the chosen operations. */
  loss: number;
  /** softmax(logits) per edge, row-major [edges, ops]. */
  probs: Float64Array;
  /** GPU (or CPU) time of the step's two calls and readbacks, in ms. */
  ms: number;
}

export interface SearchResult {
  derived: number[];
  best: number[];
  recovered: number;
  finalLoss: number;
  steps: number;
  ms: number;
}

/** Hidden qualities: the best operation of each edge scores 1, the others uniformly in [0, 0.85). */
export function hiddenQualities(edges: number, ops: number, seed: number): { quality: Float32Array; best: number[] } {
  let s = (seed * 2654435761) >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
  const quality = new Float32Array(edges * ops);
  const best: number[] = [];
  for (let e = 0; e < edges; e++) {
    const b = Math.floor(next() * ops);
    best.push(b);
    for (let m = 0; m < ops; m++) quality[e * ops + m] = m === b ? 1 : 0.85 * next();
  }
  return { quality, best };
}

/** tau at step t: exponential max(tau_min, tau_max exp(-r t)) reaching tau_min at 70% of the steps, or linear. */
export function temperature(o: SearchOptions, t: number): number {
  if (o.schedule === 'linear') return o.tauMax + ((o.tauMin - o.tauMax) * t) / Math.max(1, o.steps - 1);
  const r = Math.log(o.tauMax / o.tauMin) / (0.7 * o.steps);
  return Math.max(o.tauMin, o.tauMax * Math.exp(-r * t));
}

function softmaxRows(logits: Float32Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let c = 0; c < cols; c++) m = Math.max(m, logits[r * cols + c]!);
    let z = 0;
    for (let c = 0; c < cols; c++) z += out[r * cols + c] = Math.exp(logits[r * cols + c]! - m);
    for (let c = 0; c < cols; c++) out[r * cols + c]! /= z;
  }
  return out;
}

/** Runs the search; onStep is called after every step (await it to let the page draw). */
export async function runSearch(rt: GumbelRuntime, o: SearchOptions, onStep?: (r: StepReport) => void | Promise<void>): Promise<SearchResult> {
  const { edges: E, ops: M, samples: S } = o;
  const { quality, best } = hiddenQualities(E, M, o.seed);
  const logits = new Float32Array(E * M); // uniform start
  // Loss = mean over samples and edges of (1 - quality of the chosen op): dLoss/dy = -quality / (S E).
  const dyData = new Float32Array(S * E * M);
  for (let i = 0; i < dyData.length; i++) dyData[i] = -quality[i % (E * M)]! / (S * E);
  const dy = rt.tensor(dyData, [S, E, M]);
  const adamM = new Float64Array(E * M);
  const adamV = new Float64Array(E * M);
  const start = performance.now();
  let loss = NaN;
  try {
    for (let t = 0; t < o.steps; t++) {
      const t0 = performance.now();
      const tau = temperature(o, t);
      const rng = { seed: o.seed, stream: 1, offset: t * S * E * M }; // fresh noise every step, reproducibly
      const logitsT: Tensor<'f32'> = rt.tensor(logits, [E, M]);
      const { index } = await rt.gumbelSoftmax(logitsT, { tau, hard: true, samples: S, ...rng, outputs: ['index'] });
      const grad = await rt.gumbelSoftmaxBackward({ logits: logitsT, tau, samples: S, hard: true, ...rng, dy });
      const chosen = await index.read();
      const g = await grad.read();
      for (const t of [logitsT, index, grad]) t.destroy();
      let q = 0;
      for (let i = 0; i < S * E; i++) q += quality[(i % E) * M + chosen[i]!]!;
      loss = 1 - q / (S * E);
      // Adam (beta1 0.9, beta2 0.999) on the architecture logits.
      for (let i = 0; i < E * M; i++) {
        adamM[i] = 0.9 * adamM[i]! + 0.1 * g[i]!;
        adamV[i] = 0.999 * adamV[i]! + 0.001 * g[i]! * g[i]!;
        const mHat = adamM[i]! / (1 - 0.9 ** (t + 1));
        const vHat = adamV[i]! / (1 - 0.999 ** (t + 1));
        logits[i]! -= (o.learningRate * mHat) / (Math.sqrt(vHat) + 1e-8);
      }
      await onStep?.({ step: t, tau, loss, probs: softmaxRows(logits, E, M), ms: performance.now() - t0 });
    }
  } finally {
    dy.destroy();
  }
  const derived = Array.from({ length: E }, (_, e) => {
    let arg = 0;
    for (let m = 1; m < M; m++) if (logits[e * M + m]! > logits[e * M + arg]!) arg = m;
    return arg;
  });
  return { derived, best, recovered: derived.filter((d, e) => d === best[e]).length, finalLoss: loss, steps: o.steps, ms: performance.now() - start };
}

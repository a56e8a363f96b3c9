// Runs one Gumbel-Softmax case on a WebGPU runtime and a CPU runtime and checks both against the
// float64 reference. Used in the page (test/harness.ts) by the browser tests.
import type { GumbelRuntime, Tensor } from '../../dist/index.js';
import { checkBackward, checkForward, makeLogits, makeTaus, referenceBackward, type SoftmaxCase } from './softmax-reference.js';

export interface CaseSpec {
  batch: number[];
  K: number;
  /** Samples; when given, outputs have a leading sample axis. */
  samples?: number;
  hard?: boolean;
  /** A scalar temperature, or 'rows' for per-row temperatures in [0.05, 10]. */
  tau: number | 'rows';
  seed: number;
  stream?: number;
  /** A bigint for positions near 2^64 (rows whose words pass it: positions do not wrap). */
  offset?: number | bigint;
  maskFraction?: number;
  scale?: number;
}

const POISON = 0x7fbadbad; // a NaN no kernel writes: shows elements left unwritten

/** Fills the pool with poisoned buffers of these element counts, so the next outputs reuse them. */
export async function poisonPool(rt: GumbelRuntime, counts: number[]): Promise<void> {
  const ts = counts.filter((n) => n > 0).map((n) => rt.tensor(new Uint32Array(n).fill(POISON)));
  ts.forEach((t) => t.destroy());
  (await rt.randomBits([1], { seed: 0 })).destroy(); // a submit makes them reusable
}

function countPoison(data: Float32Array | Uint32Array | null): number {
  if (!data) return 0;
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  let n = 0;
  for (const b of bits) if (b === POISON) n++;
  return n;
}

async function setup(rt: GumbelRuntime, spec: CaseSpec) {
  const R = spec.batch.reduce((a, b) => a * b, 1);
  const logitsData = makeLogits(R, spec.K, spec.seed, spec.scale ?? 3, spec.maskFraction ?? 0.1);
  const taus = spec.tau === 'rows' ? makeTaus(R, spec.seed + 1) : new Float32Array(R).fill(spec.tau);
  const logits = rt.tensor(logitsData, [...spec.batch, spec.K]);
  const tau: number | Tensor<'f32'> = spec.tau === 'rows' ? rt.tensor(taus, spec.batch) : spec.tau;
  const rng = { seed: spec.seed, stream: spec.stream ?? 0, offset: spec.offset ?? 0 };
  return { R, logitsData, taus, logits, tau, rng };
}

async function caseWords(cpu: GumbelRuntime, n: number, rng: { seed: number; stream: number; offset: number | bigint }): Promise<Uint32Array> {
  return (await (await cpu.randomBits([n], rng)).read()) as Uint32Array;
}

export async function forwardCase(gpu: GumbelRuntime, cpu: GumbelRuntime, spec: CaseSpec) {
  const S = spec.samples ?? 1;
  const results: Record<string, ReturnType<typeof checkForward> & { poisoned: number; shape: readonly number[] }> = {};
  const indices: Uint32Array[] = [];
  let c: SoftmaxCase | null = null;
  for (const rt of [gpu, cpu]) {
    const s = await setup(rt, spec);
    const n = S * s.R * spec.K;
    c ??= { logits: s.logitsData, R: s.R, K: spec.K, S, taus: s.taus, words: await caseWords(cpu, n, s.rng) };
    await poisonPool(rt, [n, n, S * s.R]);
    const out = await rt.gumbelSoftmax(s.logits, {
      tau: s.tau,
      hard: spec.hard ?? false,
      ...(spec.samples !== undefined ? { samples: spec.samples } : {}),
      ...s.rng,
      outputs: ['y', 'logSoftmax', 'index'],
    });
    const y = (await out.y.read()) as Float32Array;
    const ls = (await out.logSoftmax.read()) as Float32Array;
    const index = (await out.index.read()) as Uint32Array;
    indices.push(index);
    results[rt.backend] = {
      ...checkForward(c, spec.hard ?? false, y, ls, index),
      poisoned: countPoison(y) + countPoison(ls) + countPoison(index),
      shape: out.y.shape,
    };
    for (const t of [out.y, out.logSoftmax, out.index, s.logits]) t.destroy();
    if (typeof s.tau !== 'number') s.tau.destroy();
  }
  let indexDisagreements = 0;
  for (let i = 0; i < indices[0]!.length; i++) if (indices[0]![i] !== indices[1]![i]) indexDisagreements++;
  return { gpu: results.webgpu!, cpu: results.cpu!, indexDisagreements };
}

export async function backwardCase(gpu: GumbelRuntime, cpu: GumbelRuntime, spec: CaseSpec, grads: 'dy' | 'dl' | 'both') {
  const S = spec.samples ?? 1;
  const out: Record<string, ReturnType<typeof checkBackward>> = {};
  for (const rt of [gpu, cpu]) {
    const s = await setup(rt, spec);
    const n = S * s.R * spec.K;
    const outShape = [...(spec.samples !== undefined ? [S] : []), ...spec.batch, spec.K];
    const dyData = Float32Array.from(makeLogits(S * s.R, spec.K, spec.seed + 7, 1, 0));
    const dlData = Float32Array.from(makeLogits(S * s.R, spec.K, spec.seed + 8, 1, 0));
    const dy = grads !== 'dl' ? rt.tensor(dyData, outShape) : undefined;
    const dl = grads !== 'dy' ? rt.tensor(dlData, outShape) : undefined;
    await poisonPool(rt, [s.R * spec.K]);
    const grad = await rt.gumbelSoftmaxBackward({
      logits: s.logits,
      tau: s.tau,
      ...(spec.samples !== undefined ? { samples: spec.samples } : {}),
      ...s.rng,
      ...(dy ? { dy } : {}),
      ...(dl ? { dLogSoftmax: dl } : {}),
    });
    const c: SoftmaxCase = { logits: s.logitsData, R: s.R, K: spec.K, S, taus: s.taus, words: await caseWords(cpu, n, s.rng) };
    const got = (await grad.read()) as Float32Array;
    out[rt.backend] = { ...checkBackward(got, referenceBackward(c, dy ? dyData : null, dl ? dlData : null)), poisoned: countPoison(got) } as never;
    for (const t of [grad, s.logits, dy, dl]) t?.destroy();
    if (typeof s.tau !== 'number') s.tau.destroy();
  }
  return { gpu: out.webgpu! as ReturnType<typeof checkBackward> & { poisoned: number }, cpu: out.cpu! as ReturnType<typeof checkBackward> & { poisoned: number } };
}

// Gumbel-Softmax on the CPU backend in Node: the float64 reference, finite differences, argument checks.
import { expect, test } from '@playwright/test';
import { createGumbel } from '../../dist/index.js';
import { checkBackward, checkForward, makeLogits, makeTaus, referenceBackward, referenceRow, type SoftmaxCase } from '../support/softmax-reference.js';

async function words(n: number, rng: { seed: number; stream?: number; offset?: number }) {
  const cpu = await createGumbel({ backend: 'cpu' });
  return (await (await cpu.randomBits([n], rng)).read()) as Uint32Array;
}

test('CPU forward matches the float64 reference (soft, hard, per-row tau, samples, masks)', async () => {
  const rt = await createGumbel({ backend: 'cpu' });
  for (const [R, K, S, hard, perRow] of [
    [5, 1, 1, false, false],
    [33, 7, 3, false, true],
    [4, 300, 2, true, true],
    [2, 5000, 1, false, false],
  ] as const) {
    const data = makeLogits(R, K, R * K);
    const taus = perRow ? makeTaus(R, K) : new Float32Array(R).fill(0.7);
    const rng = { seed: 11, stream: 2, offset: 3 };
    const out = await rt.gumbelSoftmax(rt.tensor(data, [R, K]), {
      tau: perRow ? rt.tensor(taus, [R]) : 0.7,
      hard,
      samples: S,
      ...rng,
      outputs: ['y', 'logSoftmax', 'index'],
    });
    expect(out.y.shape).toEqual([S, R, K]);
    expect(out.index.shape).toEqual([S, R]);
    const c: SoftmaxCase = { logits: data, R, K, S, taus, words: await words(S * R * K, rng) };
    const check = checkForward(c, hard, (await out.y.read()) as Float32Array, (await out.logSoftmax.read()) as Float32Array, (await out.index.read()) as Uint32Array);
    expect(check.failures, check.firstFailure ?? '').toBe(0);
  }
});

test('central finite differences in float64 agree with the analytic backward, and the CPU backward with both', async () => {
  const rt = await createGumbel({ backend: 'cpu' });
  const R = 3;
  const K = 6;
  const S = 2;
  const data = makeLogits(R, K, 99, 2, 0.15);
  const taus = makeTaus(R, 5, 0.3, 3);
  const rng = { seed: 123, stream: 4 };
  const w = await words(S * R * K, rng);
  const dy = Float32Array.from(makeLogits(S * R, K, 7, 1, 0));
  const dl = Float32Array.from(makeLogits(S * R, K, 8, 1, 0));
  // A masked logSoftmax is the constant -inf, so finite differences see no dependence through it; the
  // analytic backward (like PyTorch's log_softmax backward) still counts its dl in sum(dl). Zero those here.
  for (let i = 0; i < S * R * K; i++) if (data[i % (R * K)] === -Infinity) dl[i] = 0;
  // Scalar loss L = sum dy * y + sum dl * logSoftmax over every sample, in float64.
  const loss = (logits: Float64Array): number => {
    const c: SoftmaxCase = { logits, R, K, S, taus, words: w };
    let L = 0;
    for (let g = 0; g < S * R; g++) {
      const row = referenceRow(c, g);
      for (let k = 0; k < K; k++) if (row.z[k] !== -Infinity) L += dy[g * K + k]! * row.p[k]! + dl[g * K + k]! * row.ls[k]!;
    }
    return L;
  };
  const base = Float64Array.from(data);
  const analytic = referenceBackward({ logits: base, R, K, S, taus, words: w }, dy, dl);
  const h = 1e-6;
  let checked = 0;
  for (let i = 0; i < R * K; i++) {
    if (base[i] === -Infinity) continue;
    const up = Float64Array.from(base);
    const down = Float64Array.from(base);
    up[i]! += h;
    down[i]! -= h;
    const numeric = (loss(up) - loss(down)) / (2 * h);
    expect(Math.abs(numeric - analytic.grad[i]!), `dLogits[${i}]: numeric ${numeric}, analytic ${analytic.grad[i]}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
    checked++;
  }
  expect(checked).toBeGreaterThan(12);
  // The CPU backend's backward, hard or soft (straight-through has the soft gradient).
  for (const hard of [false, true]) {
    const grad = await rt.gumbelSoftmaxBackward({
      logits: rt.tensor(data, [R, K]),
      tau: rt.tensor(taus, [R]),
      samples: S,
      hard,
      ...rng,
      dy: rt.tensor(dy, [S, R, K]),
      dLogSoftmax: rt.tensor(dl, [S, R, K]),
    });
    const check = checkBackward((await grad.read()) as Float32Array, referenceBackward({ logits: data, R, K, S, taus, words: w }, dy, dl));
    expect(check.failures, check.firstFailure ?? '').toBe(0);
  }
});

test('zero-size batches give empty outputs; K = 0 is an error', async () => {
  const rt = await createGumbel({ backend: 'cpu' });
  const out = await rt.gumbelSoftmax(rt.tensor(new Float32Array(0), [0, 4]), { tau: 1, seed: 1, outputs: ['y', 'index'] });
  expect(out.y.shape).toEqual([0, 4]);
  expect(out.index.shape).toEqual([0]);
  expect((await out.y.read()).length).toBe(0);
  await expect(rt.gumbelSoftmax(rt.tensor(new Float32Array(0), [3, 0]), { tau: 1, seed: 1 })).rejects.toThrow(/K >= 1/);
});

test('bad gumbelSoftmax and backward arguments are TypeErrors or RangeErrors naming the argument', async () => {
  const rt = await createGumbel({ backend: 'cpu' });
  const logits = rt.tensor(new Float32Array(6).fill(0.5), [2, 3]);
  const fwd = (o: object, l: unknown = logits) => rt.gumbelSoftmax(l as never, { seed: 1, tau: 1, ...o } as never);
  const cases: [Promise<unknown>, ErrorConstructor, RegExp][] = [
    [fwd({ tau: 0 }), RangeError, /options\.tau must be a positive finite temperature/],
    [fwd({ tau: -1 }), RangeError, /options\.tau/],
    [fwd({ tau: NaN }), RangeError, /options\.tau/],
    [fwd({ tau: Infinity }), RangeError, /options\.tau/],
    [fwd({ tau: 1e-45 }), RangeError, /options\.tau/],
    [fwd({ tau: undefined }), TypeError, /options\.tau is required/],
    [fwd({ tau: rt.tensor(new Float32Array(3), [3]) }), RangeError, /options\.tau must have the batch shape \[2\]/],
    [fwd({ tau: rt.tensor(new Uint32Array(2), [2]) }), TypeError, /options\.tau must have dtype 'f32'/],
    [fwd({ tau: '0.5' }), TypeError, /options\.tau must be a number or an f32 tensor of the batch shape, got the string "0\.5"/],
    [fwd({ tau: [0.5, 1] }), TypeError, /options\.tau must be a number or an f32 tensor of the batch shape, got an array/],
    [fwd({ samples: 0 }), RangeError, /options\.samples must be an integer >= 1, got 0/],
    [fwd({ samples: 1.5 }), RangeError, /options\.samples/],
    [fwd({ samples: '2' }), TypeError, /options\.samples must be a number/],
    [fwd({ outputs: ['y', 'probs'] }), RangeError, /options\.outputs has unknown output "probs"/],
    [fwd({ outputs: [] }), RangeError, /options\.outputs must be a non-empty array/],
    [fwd({ outputs: ['y', 'index', 'y'] }), RangeError, /options\.outputs lists "y" twice/],
    [fwd({ hard: 'yes' }), TypeError, /options\.hard must be a boolean/],
    [fwd({ seed: undefined }), TypeError, /options\.seed is required/],
    [fwd({ seed: -3 }), RangeError, /options\.seed/],
    [fwd({ hardd: true }), TypeError, /options has an unknown option "hardd"; allowed: tau, hard, samples, outputs, seed, stream, offset/],
    [fwd({ temperature: 0.5 }), TypeError, /options has an unknown option "temperature"/],
    [fwd({}, rt.tensor(new Uint32Array(6), [2, 3])), TypeError, /logits must have dtype 'f32'/],
    [fwd({}, rt.tensor(new Float32Array(1), [])), RangeError, /logits must have at least one axis/],
    [rt.gumbelSoftmaxBackward({ logits, tau: 1, seed: 1 }), TypeError, /needs options\.dy, options\.dLogSoftmax, or both/],
    [rt.gumbelSoftmaxBackward({ logits, tau: 1, seed: 1, dY: logits } as never), TypeError, /options has an unknown option "dY"; allowed: logits, tau, hard, samples, dy, dLogSoftmax, seed, stream, offset/],
    [rt.gumbelSoftmaxBackward({ logits, tau: 1, seed: 1, dy: rt.tensor(new Float32Array(6), [3, 2]) }), RangeError, /options\.dy must have the shape of the forward's output \[2,3\], got \[3,2\]/],
    [rt.gumbelSoftmaxBackward({ logits, tau: 1, seed: 1, samples: 2, dLogSoftmax: rt.tensor(new Float32Array(6), [2, 3]) }), RangeError, /options\.dLogSoftmax must have the shape of the forward's output \[2,2,3\]/],
  ];
  const probe = async () => Array.from(await (await rt.randomBits([5], { seed: 2 })).read()).join();
  const expected = await probe();
  for (const [call, type, message] of cases) {
    const error = await call.then(
      () => null,
      (e: Error) => e,
    );
    expect(error, String(message)).toBeInstanceOf(type);
    expect(error!.message).toMatch(message);
    expect(await probe(), `after ${message}`).toBe(expected); // the runtime still gives the right numbers
  }
  // The runtime still works, and gives what it gave before.
  const a = await (await rt.gumbelSoftmax(logits, { tau: 1, seed: 1 })).y.read();
  const b = await (await rt.gumbelSoftmax(logits, { tau: 1, seed: 1 })).y.read();
  expect(Array.from(a)).toEqual(Array.from(b));
});

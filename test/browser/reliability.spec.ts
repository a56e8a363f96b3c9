// Reliability on the WebGPU backend: bad input, limits, device errors, memory, concurrency, properties.
import { expect, test } from './fixture.js';

test('bad arguments reject with TypeError/RangeError naming the argument, before GPU work; the runtime stays right', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const rt = window.rt;
    const logits = rt.tensor(Float32Array.from({ length: 24 }, (_, i) => Math.sin(i)), [4, 6]);
    const dead = rt.tensor(new Float32Array(24), [4, 6]);
    dead.destroy();
    const foreign = window.cpu.tensor(new Float32Array(24), [4, 6]);
    const created = rt.poolStats().created;
    const calls: [string, () => Promise<unknown>][] = [
      ['tau 0', () => rt.gumbelSoftmax(logits, { tau: 0, seed: 1 })],
      ['tau NaN', () => rt.gumbelSoftmax(logits, { tau: NaN, seed: 1 })],
      ['tau -1', () => rt.gumbelSoftmax(logits, { tau: -1, seed: 1 })],
      ['tau Infinity', () => rt.gumbelSoftmax(logits, { tau: Infinity, seed: 1 })],
      ['tau string', () => rt.gumbelSoftmax(logits, { tau: '0.5' as never, seed: 1 })],
      ['tau tensor shape', () => rt.gumbelSoftmax(logits, { tau: rt.tensor(new Float32Array(6), [6]), seed: 1 })],
      ['missing seed', () => rt.gumbelSoftmax(logits, { tau: 1 } as never)],
      ['seed string', () => rt.gumbelSoftmax(logits, { tau: 1, seed: '1' as never })],
      ['seed 2^64', () => rt.gumbelSoftmax(logits, { tau: 1, seed: 2n ** 64n })],
      ['stream -1', () => rt.gumbelSoftmax(logits, { tau: 1, seed: 1, stream: -1 })],
      ['offset 0.5', () => rt.gumbelSoftmax(logits, { tau: 1, seed: 1, offset: 0.5 })],
      ['samples 0', () => rt.gumbelSoftmax(logits, { tau: 1, seed: 1, samples: 0 })],
      ['samples 2.5', () => rt.gumbelSoftmax(logits, { tau: 1, seed: 1, samples: 2.5 })],
      ['unknown output', () => rt.gumbelSoftmax(logits, { tau: 1, seed: 1, outputs: ['probs' as never] })],
      ['repeated output', () => rt.gumbelSoftmax(logits, { tau: 1, seed: 1, outputs: ['index', 'y', 'index'] })],
      ['misspelt option', () => rt.gumbelSoftmax(logits, { tau: 1, seed: 1, hardd: true } as never)],
      ['destroyed logits', () => rt.gumbelSoftmax(dead, { tau: 1, seed: 1 })],
      ['foreign logits', () => rt.gumbelSoftmax(foreign, { tau: 1, seed: 1 })],
      ['u32 logits', () => rt.gumbelSoftmax(rt.tensor(new Uint32Array(4), [2, 2]) as never, { tau: 1, seed: 1 })],
      ['K = 0', () => rt.gumbelSoftmax(rt.tensor(new Float32Array(0), [3, 0]), { tau: 1, seed: 1 })],
      ['dy shape', () => rt.gumbelSoftmaxBackward({ logits, tau: 1, seed: 1, dy: rt.tensor(new Float32Array(24), [6, 4]) })],
      ['no gradient', () => rt.gumbelSoftmaxBackward({ logits, tau: 1, seed: 1 })],
      ['shape entry -1', () => rt.gumbel([2, -1], { seed: 1 })],
      ['shape entry 1.5', () => rt.gumbel([1.5], { seed: 1 })],
      ['shape not array', () => rt.gumbel(3 as never, { seed: 1 })],
      ['data length', async () => rt.tensor(new Float32Array(5), [2, 3])],
    ];
    const out: { name: string; error: string; stillRight: boolean }[] = [];
    const expected = Array.from(await (await window.cpu.randomBits([9], { seed: 11, offset: 2 })).read()).join();
    for (const [name, call] of calls) {
      const error = await window.harness.outcome(call);
      const probe = await rt.randomBits([9], { seed: 11, offset: 2 }); // after each case: still right
      out.push({ name, error, stillRight: Array.from(await probe.read()).join() === expected });
      probe.destroy();
    }
    const createdAfter = rt.poolStats().created;
    // Still usable, and right.
    const gpu = await rt.gumbelSoftmax(logits, { tau: 0.5, seed: 9, outputs: ['index'] });
    const cpu = await window.cpu.gumbelSoftmax(window.cpu.tensor(await logits.read(), [4, 6]), { tau: 0.5, seed: 9, outputs: ['index'] });
    const empty = await rt.gumbelSoftmax(rt.tensor(new Float32Array(0), [0, 6]), { tau: 1, seed: 1, outputs: ['y'] });
    return { out, created, createdAfter, same: Array.from(await gpu.index.read()).join() === Array.from(await cpu.index.read()).join(), emptyShape: empty.y.shape, emptyLength: (await empty.y.read()).length };
  });
  for (const c of r.out) {
    expect(c.error, c.name).toMatch(/^(TypeError|RangeError): /);
    expect(c.stillRight, c.name).toBe(true);
  }
  const messages = Object.fromEntries(r.out.map((c) => [c.name, c.error]));
  expect(messages['tau 0']).toMatch(/options\.tau/);
  expect(messages['tau string']).toMatch(/options\.tau must be a number or an f32 tensor of the batch shape, got the string "0\.5"/);
  expect(messages['tau tensor shape']).toMatch(/options\.tau must have the batch shape \[4\]/);
  expect(messages['missing seed']).toMatch(/options\.seed is required/);
  expect(messages['seed 2^64']).toMatch(/options\.seed must be an integer in \[0, 2\^64\)/);
  expect(messages['destroyed logits']).toMatch(/logits was destroyed/);
  expect(messages['foreign logits']).toMatch(/logits is a tensor of another runtime/);
  expect(messages['K = 0']).toMatch(/K >= 1/);
  expect(messages['misspelt option']).toMatch(/options has an unknown option "hardd"/);
  expect(messages['repeated output']).toMatch(/options\.outputs lists "index" twice/);
  expect(messages['dy shape']).toMatch(/options\.dy must have the shape/);
  expect(messages['data length']).toMatch(/shape \[2,3\] has 6 elements but data has 5/);
  // Only the probes and the tensors the cases themselves uploaded were created: no op allocated before failing.
  expect(r.createdAfter - r.created).toBeLessThanOrEqual(8);
  expect(r.same).toBe(true);
  expect(r.emptyShape).toEqual([0, 6]);
  expect(r.emptyLength).toBe(0);
});

test('a problem larger than the device can hold is refused before allocating, with its size and the limit', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const rt = window.rt;
    const logits = rt.tensor(Float32Array.from({ length: 1000 }, (_, i) => Math.cos(i)), [1, 1000]);
    const before = rt.poolStats();
    const error = await window.harness.outcome(() => rt.gumbelSoftmax(logits, { tau: 1, seed: 1, samples: 300_000, outputs: ['y'] }));
    return { error, before, after: rt.poolStats(), limit: rt.device!.limits.maxBufferSize };
  });
  expect(r.error).toMatch(new RegExp(`^RangeError: a tensor of 300000000 elements \\(1200000000 bytes\\) exceeds this device's maxBufferSize of ${r.limit} bytes`));
  expect(r.after).toEqual(r.before);
});

test('a GPU validation error rejects that call, frees its outputs, and the runtime stays usable', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const rt = window.rt;
    const logits = rt.tensor(Float32Array.from({ length: 80 }, (_, i) => Math.sin(i)), [8, 10]);
    // Break the tensor behind the runtime's back: the submit then fails WebGPU validation.
    (logits as unknown as { buffer: GPUBuffer }).buffer.destroy();
    const inUse = rt.poolStats().inUse;
    const error = await rt.gumbelSoftmax(logits, { tau: 1, seed: 1 }).then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    const inUseAfter = rt.poolStats().inUse;
    const fresh = rt.tensor(Float32Array.from({ length: 80 }, (_, i) => Math.sin(i)), [8, 10]);
    const ok = await rt.gumbelSoftmax(fresh, { tau: 1, seed: 1, outputs: ['index'] });
    const cpu = await window.cpu.gumbelSoftmax(window.cpu.tensor(await fresh.read(), [8, 10]), { tau: 1, seed: 1, outputs: ['index'] });
    return { error, inUse, inUseAfter, same: Array.from(await ok.index.read()).join() === Array.from(await cpu.index.read()).join() };
  });
  expect(r.error).toMatch(/^gumbel-webgpu: gumbelSoftmax failed on the GPU: .*destroyed/i);
  expect(r.inUseAfter).toBe(r.inUse); // y and index were given back
  expect(r.same).toBe(true);
});

test('a GPU validation error inside batch() rejects the batch and frees the outputs of all its ops', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const rt = window.rt;
    const good = rt.tensor(Float32Array.from({ length: 80 }, (_, i) => Math.cos(i)), [8, 10]);
    const broken = rt.tensor(Float32Array.from({ length: 80 }, (_, i) => Math.sin(i)), [8, 10]);
    (broken as unknown as { buffer: GPUBuffer }).buffer.destroy();
    const inUse = rt.poolStats().inUse;
    const error = await rt
      .batch(async () => {
        await rt.gumbelSoftmax(good, { tau: 1, seed: 1 });
        await rt.gumbelSoftmax(broken, { tau: 1, seed: 1 });
      })
      .then(() => 'resolved', (e: Error) => e.message);
    const inUseAfter = rt.poolStats().inUse;
    const after = Array.from(await (await rt.gumbelSoftmax(good, { tau: 1, seed: 1, outputs: ['index'] })).index.read());
    good.destroy();
    return { error, inUse, inUseAfter, after };
  });
  expect(r.error).toMatch(/^gumbel-webgpu: batch failed on the GPU: .*destroyed/i);
  expect(r.inUseAfter).toBe(r.inUse); // both calls' y and index were given back
  expect(r.after.every((i) => i < 10)).toBe(true);
});

test('10,000 forward + backward calls whose tensors are destroyed keep the buffer pool bounded', async ({ gpuPage }) => {
  test.setTimeout(600_000);
  const r = await gpuPage.evaluate(async () => {
    const rt = window.rt;
    const logits = rt.tensor(Float32Array.from({ length: 112 }, (_, i) => Math.sin(i)), [14, 8]);
    const dy = rt.tensor(Float32Array.from({ length: 112 }, (_, i) => Math.cos(i)), [14, 8]);
    const createdAt: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const { y, index } = await rt.gumbelSoftmax(logits, { tau: 0.5, hard: true, seed: 1, offset: i * 112 });
      const grad = await rt.gumbelSoftmaxBackward({ logits, tau: 0.5, seed: 1, offset: i * 112, dy });
      if (i % 1000 === 999) await index.read();
      y.destroy();
      index.destroy();
      grad.destroy();
      if (i % 1000 === 999) createdAt.push(rt.poolStats().created);
    }
    return { createdAt, stats: rt.poolStats() };
  });
  console.log(`pool after 10,000 forward + backward calls: ${JSON.stringify(r.stats)}`);
  expect(new Set(r.createdAt).size).toBe(1); // no new buffer after the first thousand calls
  expect(r.stats.created).toBeLessThan(20);
  expect(r.stats.inUse).toBe(2); // logits and dy
});

test('100 calls issued without awaiting, with reads interleaved, all equal the CPU backend', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const { softmaxRef } = window.harness;
    const data = softmaxRef.makeLogits(20, 12, 5);
    const logits = window.rt.tensor(data, [20, 12]);
    const cpuLogits = window.cpu.tensor(data, [20, 12]);
    const pending = [];
    const early: Promise<Float32Array>[] = [];
    for (let i = 0; i < 100; i++) {
      const call = window.rt.gumbelSoftmax(logits, { tau: 0.8, seed: i, outputs: ['y', 'index'] });
      pending.push(call);
      if (i % 10 === 5) early.push(call.then((o) => o.y.read() as Promise<Float32Array>)); // reads while later calls are queued
    }
    const results = await Promise.all(pending);
    await Promise.all(early);
    let worst = 0;
    let indexMismatches = 0;
    for (let i = 0; i < 100; i++) {
      const c = await window.cpu.gumbelSoftmax(cpuLogits, { tau: 0.8, seed: i, outputs: ['y', 'index'] });
      const [gy, gi, cy, ci] = [await results[i]!.y.read(), await results[i]!.index.read(), await c.y.read(), await c.index.read()];
      for (let j = 0; j < cy.length; j++) worst = Math.max(worst, Math.abs(gy[j]! - cy[j]!));
      for (let j = 0; j < ci.length; j++) if (gi[j] !== ci[j]) indexMismatches++;
    }
    return { worst, indexMismatches };
  });
  expect(r.indexMismatches).toBe(0);
  expect(r.worst).toBeLessThan(1e-5);
});

test('properties: GPU equals CPU within tolerance, no NaN for finite input, rows independent, same input same bits', async ({ gpuPage }) => {
  test.setTimeout(300_000);
  const r = await gpuPage.evaluate(async () => {
    const { fc, softmaxRef } = window.harness;
    const failures: string[] = [];
    let runs = 0;
    let pastTwoTo64 = 0; // cases whose last positions pass 2^64
    const logit = fc.oneof(
      { weight: 8, arbitrary: fc.float({ min: -20, max: 20, noNaN: true }) },
      { weight: 1, arbitrary: fc.constantFrom(-Infinity, 1e30, -1e30, 3e38, -3e38) },
    );
    const caseArb = fc
      .record({ R: fc.integer({ min: 1, max: 12 }), K: fc.integer({ min: 1, max: 150 }), S: fc.integer({ min: 1, max: 3 }) })
      .chain(({ R, K, S }) =>
        fc.record({
          R: fc.constant(R),
          K: fc.constant(K),
          S: fc.constant(S),
          logits: fc.array(logit, { minLength: R * K, maxLength: R * K }),
          taus: fc.array(fc.float({ min: Math.fround(1e-3), max: Math.fround(1e3), noNaN: true }), { minLength: R, maxLength: R }),
          perRow: fc.boolean(),
          hard: fc.boolean(),
          seed: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
          stream: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
          // Any offset, and often one near 2^64, whose rows' positions pass it (they do not wrap).
          offset: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 2n ** 64n - 1000n, max: 2n ** 64n - 1n })),
          row: fc.integer({ min: 0, max: R - 1 }),
        }),
      );
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        runs++;
        if (c.offset + BigInt(c.S * c.R * c.K) > 2n ** 64n) pastTwoTo64++;
        const data = Float32Array.from(c.logits);
        const taus = c.perRow ? Float32Array.from(c.taus) : new Float32Array(c.R).fill(c.taus[0]!);
        const run = async (rt: typeof window.rt, d: Float32Array) => {
          const o = await rt.gumbelSoftmax(rt.tensor(d, [c.R, c.K]), {
            tau: c.perRow ? rt.tensor(taus, [c.R]) : taus[0]!,
            hard: c.hard,
            samples: c.S,
            seed: c.seed,
            stream: c.stream,
            offset: c.offset,
            outputs: ['y', 'logSoftmax', 'index'],
          });
          return { y: (await o.y.read()) as Float32Array, ls: (await o.logSoftmax.read()) as Float32Array, index: (await o.index.read()) as Uint32Array };
        };
        const words = (await (await window.cpu.randomBits([c.S * c.R * c.K], { seed: c.seed, stream: c.stream, offset: c.offset })).read()) as Uint32Array;
        const ref = { logits: data, R: c.R, K: c.K, S: c.S, taus, words };
        const gpu = await run(window.rt, data);
        const cpu = await run(window.cpu, data);
        for (const [name, out] of [['gpu', gpu], ['cpu', cpu]] as const) {
          const check = softmaxRef.checkForward(ref, c.hard, out.y, out.ls, out.index);
          if (check.failures) failures.push(`${name}: ${check.firstFailure}`);
        }
        const again = await run(window.rt, data);
        const bits = (a: Float32Array | Uint32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length)).join();
        if (bits(again.y) !== bits(gpu.y) || bits(again.ls) !== bits(gpu.ls) || bits(again.index) !== bits(gpu.index)) failures.push('same input, different bits');
        // Changing one row leaves every other row's outputs bit for bit.
        const changed = Float32Array.from(data);
        for (let k = 0; k < c.K; k++) changed[c.row * c.K + k] = NaN;
        const other = await run(window.rt, changed);
        for (let g = 0; g < c.S * c.R; g++) {
          if (g % c.R === c.row) continue;
          const sl = (a: Float32Array) => bits(a.subarray(g * c.K, (g + 1) * c.K));
          if (sl(other.y) !== sl(gpu.y) || other.index[g] !== gpu.index[g]) failures.push(`row ${g} changed when row ${c.row} did`);
        }
        return failures.length === 0;
      }),
      { numRuns: 40, seed: 20261127 },
    ).catch((e: Error) => failures.push(e.message.slice(0, 2000)));
    return { failures, runs, pastTwoTo64 };
  });
  expect(r.failures).toEqual([]);
  expect(r.runs).toBeGreaterThanOrEqual(40);
  expect(r.pastTwoTo64).toBeGreaterThan(0);
});

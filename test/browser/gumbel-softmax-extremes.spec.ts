// Extreme and invalid inputs, statistics, and the choice of reduction on WebGPU (the CPU beside it).
import { expect, test } from './fixture.js';

test('subgroup reductions are used where the adapter has them; the row cache is off, the stash on, rows split except on SwiftShader, long rows by invocation and Philox products by floats only there, by default; all can be chosen', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const other = await window.harness.lib.createGumbel({ backend: 'webgpu', subgroups: false, rowCache: true, stash: false, rowSplit: true, rowPerInvocation: false, philoxFloatProducts: false });
    const uses = (rt: typeof window.rt) => [rt.usesSubgroups, rt.usesRowCache, rt.usesStash, rt.usesRowSplit, rt.usesRowPerInvocation, rt.usesPhiloxFloatProducts];
    const out = {
      defaults: uses(window.rt),
      chosen: uses(other),
      cpu: uses(window.cpu),
      subgroupsAvailable: window.rt.device!.features.has('subgroups' as GPUFeatureName) && navigator.gpu.wgslLanguageFeatures.has('subgroup_id'),
      swiftshader: window.rt.adapterInfo!.architecture === 'swiftshader',
    };
    other.destroy();
    return out;
  });
  // On SwiftShader (CI): subgroups and WGSL subgroup_id are there.
  expect(r.defaults).toEqual([r.subgroupsAvailable, false, true, !r.swiftshader, r.swiftshader, r.swiftshader]);
  expect(r.chosen).toEqual([false, true, false, true, false, false]);
  expect(r.cpu).toEqual([false, false, false, false, false, false]);
  if (r.swiftshader) expect(r.subgroupsAvailable).toBe(true); // so the subgroup path really runs in CI
});

test('extreme logits and temperatures give finite results and the right index; invalid rows are isolated', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const inf = Infinity;
    // K = 70: an invocation per row (the default on SwiftShader) and a workgroup per row (rowPerInvocation
    // false); the same rows again below at K = 6 take the by-invocation kernels in both runtimes.
    const K = 70;
    const workgroups = await window.harness.lib.createGumbel({ backend: 'webgpu', rowPerInvocation: false });
    const rows: number[][] = [
      [1e30, -1e30, 0, 5, -5, 1e30 * 0.5], // huge spread: the 1e30 logit wins whatever the noise
      [-inf, -inf, 3, -inf, -inf, -inf], // one finite logit among -inf
      [NaN, 1, 2, 3, 4, 5], // invalid: NaN
      [inf, 1, 2, 3, 4, 5], // invalid: +inf
      [-inf, -inf, -inf, -inf, -inf, -inf], // invalid: no finite logit
      [1, 2, 3, 4, 5, 100], // fine, but its per-row tau below is no positive normal f32: 0, subnormal 1e-40 or -1
      [-1e30, -1e30, -1e30, 7e29, -1e30, -1e30],
      [3e38, -3e38, 1, 2, 3, 4], // differences overflow f32; over tau = 1e30 they do not
    ];
    const badTau = new Map([[1e-30, 0], [1, 1e-40], [1e30, -1]]); // row 5's, beside each scalar tau
    const results = [];
    for (const k of [K, 6]) {
      const data = new Float32Array(rows.length * k).fill(-inf);
      rows.forEach((row, i) => row.forEach((v, j) => (data[i * k + j] = v)));
      for (const rt of [window.rt, workgroups, window.cpu]) {
        const logits = rt.tensor(data, [rows.length, k]);
        for (const tau of [1e-30, 1, 1e30]) {
          for (const perRow of [false, true]) {
            const tauArg = perRow ? rt.tensor(Float32Array.from(rows, (_, i) => (i === 5 ? badTau.get(tau)! : tau)), [rows.length]) : tau;
            const o = await rt.gumbelSoftmax(logits, { tau: tauArg, seed: 5, outputs: ['y', 'logSoftmax', 'index'] });
            const [y, ls, index] = [await o.y.read(), await o.logSoftmax.read(), await o.index.read()];
            const backend = rt === workgroups ? 'webgpu, a workgroup per row' : rt.backend;
            results.push({ backend, k, tau, perRow, y: Array.from(y), ls: Array.from(ls), index: Array.from(index) });
          }
        }
      }
    }
    workgroups.destroy();
    return results;
  });
  const NO = 0xffffffff;
  for (const c of r) {
    const tag = `${c.backend} K=${c.k} tau=${c.tau} perRow=${c.perRow}`;
    const row = (a: number[], i: number) => a.slice(i * c.k, (i + 1) * c.k);
    expect(c.index[0], tag).toBe(0);
    expect(c.index[1], tag).toBe(2);
    expect(c.index.slice(2, 5), tag).toEqual([NO, NO, NO]);
    expect(c.index[5], tag).toBe(c.perRow ? NO : 5);
    expect(c.index[6], tag).toBe(3);
    expect(c.index[7], tag).toBe(0);
    for (const i of [0, 1, 6, 7, ...(c.perRow ? [] : [5])]) {
      const y = row(c.y, i);
      const ls = row(c.ls, i);
      expect(y.every((v) => Number.isFinite(v) && v >= 0 && v <= 1), `${tag} row ${i} y`).toBe(true);
      expect(ls.every((v) => v === -Infinity || (Number.isFinite(v) && v <= 0)), `${tag} row ${i} logSoftmax`).toBe(true);
      expect(Math.abs(y.reduce((a, b) => a + b, 0) - 1), `${tag} row ${i} sums to 1`).toBeLessThan(1e-5);
      // Masked entries (and the padding) have probability 0 and log-probability -inf.
      for (let j = 0; j < c.k; j++) if (j >= 6 || (i === 1 && j !== 2)) expect([y[j], ls[j]], `${tag} row ${i} [${j}]`).toEqual([0, -Infinity]);
    }
    // Row 0's winner: probability 1 at tau = 1e-30; at tau = 1e30 the logits over tau are 1, -1, 0, 0, 0, 0.5
    // (the noise vanishes against 1e30), so y[0] = 1 / (1 + e^-2 + 3 e^-1 + e^-0.5).
    if (c.tau === 1e-30) expect(c.y[0]).toBe(1);
    if (c.tau === 1e30) expect(c.y[0]).toBeCloseTo(1 / (1 + Math.exp(-2) + 3 * Math.exp(-1) + Math.exp(-0.5)), 5);
    // Row 7: logSoftmax is (l - 3e38) / tau, clamped at -F32_MAX: -6e8 and about -3e8 at tau = 1e30, although
    // -3e38 - 3e38 overflows f32 (a kernel that divides the overflowed difference gives -F32_MAX there).
    const ls7 = row(c.ls, 7);
    if (c.tau === 1e30) {
      expect(ls7[1]! / -6e8, `${tag} row 7 [1]`).toBeCloseTo(1, 5);
      for (const j of [2, 3, 4, 5]) expect(ls7[j]! / -3e8, `${tag} row 7 [${j}]`).toBeCloseTo(1, 5);
    } else {
      expect(ls7[1], `${tag} row 7 [1]`).toBe(-3.4028234663852886e38);
    }
    expect(c.y[c.k + 2]).toBe(1); // the only finite logit
    for (const i of [2, 3, 4, ...(c.perRow ? [5] : [])]) {
      expect(row(c.y, i).every(Number.isNaN) && row(c.ls, i).every(Number.isNaN), `${tag} invalid row ${i}`).toBe(true);
    }
  }
  expect(r).toHaveLength(36);
});

test('an invalid logit at any position of a short row, in any of its Philox blocks, makes that row NaN and only it', async ({ gpuPage }) => {
  // Rows of K = 6 and 13 at offsets 0 and 3 span 2 to 4 blocks (held in registers, gumbel-softmax-by-invocation.wgsl,
  // FEW_BLOCKS); K = 14 at offset 1 takes the loop. Row 2p holds NaN or +inf at position p, row 2p + 1 is clean.
  const r = await gpuPage.evaluate(async () => {
    const out = [];
    for (const [K, offset] of [[6, 0], [6, 3], [13, 0], [13, 3], [14, 1]] as const) {
      const R = 2 * K;
      const data = Float32Array.from({ length: R * K }, (_, i) => Math.sin(i * 0.9) * 3);
      for (let p = 0; p < K; p++) data[2 * p * K + p] = p % 2 ? Infinity : NaN;
      for (const rt of [window.rt, window.cpu]) {
        const o = await rt.gumbelSoftmax(rt.tensor(data, [R, K]), { tau: 0.8, seed: 12, offset, outputs: ['y', 'logSoftmax', 'index'] });
        out.push({ K, offset, backend: rt.backend, y: Array.from(await o.y.read()), ls: Array.from(await o.logSoftmax.read()), index: Array.from(await o.index.read()) });
      }
    }
    return out;
  });
  expect(r).toHaveLength(10);
  for (let c = 0; c < r.length; c += 2) {
    const [gpu, cpu] = [r[c]!, r[c + 1]!];
    const { K } = gpu;
    for (let row = 0; row < 2 * K; row++) {
      const tag = `K=${K} offset=${gpu.offset} row ${row}`;
      const y = gpu.y.slice(row * K, (row + 1) * K);
      const ls = gpu.ls.slice(row * K, (row + 1) * K);
      if (row % 2 === 0) {
        expect(gpu.index[row], tag).toBe(0xffffffff);
        expect(y.every(Number.isNaN) && ls.every(Number.isNaN), tag).toBe(true);
      } else {
        expect(gpu.index[row], tag).toBe(cpu.index[row]);
        expect(y.every((v) => v > 0 && v <= 1) && ls.every((v) => Number.isFinite(v) && v <= 0), tag).toBe(true);
        expect(Math.abs(y.reduce((a, b) => a + b, 0) - 1), tag).toBeLessThan(1e-5);
      }
    }
    expect(cpu.index.filter((v, row) => (v === 0xffffffff) !== (row % 2 === 0)), 'CPU: invalid rows').toEqual([]);
  }
});

test('any subset of the outputs is bit-equal to the same outputs of a call that asks for all three, on every row path', async ({ gpuPage }) => {
  // Each subset compiles other overrides: a hard y alone needs no v in pass 2, the stash goes into y or
  // logSoftmax, v held in registers only when pass 2 needs it. Outputs come from a poisoned pool.
  const r = await gpuPage.evaluate(async () => {
    const { softmax, rowPathRuntimes, rowPathShapes } = window.harness;
    // Rows of 50 x 8 at offset 3 span 3 Philox blocks, where a hard y alone keeps the loop over blocks; of
    // 61 x 5, 2 blocks, where it takes the few-blocks path too.
    const runtimes = await rowPathRuntimes();
    const subsets = [['y'], ['logSoftmax'], ['index'], ['y', 'index'], ['logSoftmax', 'index'], ['y', 'logSoftmax']] as const;
    const mismatches: string[] = [];
    let compared = 0;
    for (const [i, rt] of runtimes.entries()) {
      for (const [R, K, offset] of rowPathShapes) {
        const data = Float32Array.from({ length: R * K }, (_, j) => Math.sin(j * 0.71 + K) * 4 + (j % 7 === 3 ? -Infinity : 0));
        const logits = rt.tensor(data, [R, K]);
        for (const hard of [false, true]) {
          const rng = { tau: 0.7, hard, seed: 11, offset };
          const all = await rt.gumbelSoftmax(logits, { ...rng, outputs: ['y', 'logSoftmax', 'index'] });
          const want: Record<string, Uint32Array> = {};
          for (const name of ['y', 'logSoftmax', 'index'] as const) {
            const x = await all[name].read();
            want[name] = new Uint32Array(x.buffer, x.byteOffset, x.length);
          }
          for (const outputs of subsets) {
            await softmax.poisonPool(rt, [R * K, R * K, R]);
            const got = await rt.gumbelSoftmax(logits, { ...rng, outputs: [...outputs] });
            for (const name of outputs) {
              const x = await got[name]!.read();
              const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
              const bad = bits.findIndex((b, j) => b !== want[name]![j]);
              compared += bits.length;
              if (bad >= 0 || bits.length !== want[name]!.length) mismatches.push(`runtime ${i}, ${R} x ${K}, hard ${hard}, outputs [${outputs}]: ${name}[${bad}]`);
              got[name]!.destroy();
            }
          }
          for (const t of Object.values(all)) t.destroy();
        }
        logits.destroy();
      }
    }
    for (const rt of runtimes.slice(1)) rt.destroy();
    return { mismatches, compared };
  });
  expect(r.mismatches).toEqual([]);
  // 3 runtimes x 2 (soft, hard) x the subsets' 3 y, 3 logSoftmax (R x K each) and 3 index (R) outputs.
  expect(r.compared).toBe(3 * 2 * (6 * (50 * 8 + 61 * 5 + 5 * 1000 + 3 * 4096 + 2 * 20000) + 3 * (50 + 61 + 5 + 3 + 2)));
});

test('long rows keep the terms that each fall below half an ulp of their sum, by invocation and by workgroup', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    // Each row: logit 177 first, then 65536 logits near 0, so at tau = 10 every other term of the sum is about
    // e^-17.7 (2e-8, under half an ulp of the max's 1) and together they add 1.5e-3. One running sum over the
    // row in f32 (the by-invocation kernel without its segments) measured 4e-4 off in logSoftmax[0].
    const [R, K, tau] = [8, 65537, 10];
    const data = Float32Array.from({ length: R * K }, (_, i) => (i % K === 0 ? 177 : Math.sin(i * 0.37) * 0.25));
    const workgroups = await window.harness.lib.createGumbel({ backend: 'webgpu', rowPerInvocation: false });
    const out = [];
    for (const rt of [window.rt, workgroups, window.cpu]) {
      const o = await rt.gumbelSoftmax(rt.tensor(data, [R, K]), { tau, seed: 4, outputs: ['y', 'logSoftmax'] });
      const [y, ls] = [await o.y.read(), await o.logSoftmax.read()];
      const sums = Array.from({ length: R }, (_, i) => y.subarray(i * K, (i + 1) * K).reduce((a, b) => a + b, 0));
      out.push({ byInvocation: rt.usesRowPerInvocation, ls0: Array.from({ length: R }, (_, i) => ls[i * K]!), sums });
    }
    workgroups.destroy();
    return { out, swiftshader: window.rt.adapterInfo!.architecture === 'swiftshader' };
  });
  const [byDefault, byWorkgroup, cpu] = r.out;
  expect([byDefault!.byInvocation, byWorkgroup!.byInvocation]).toEqual([r.swiftshader, false]);
  for (const v of cpu!.ls0) expect(v).toBeLessThan(-1e-3); // the small terms matter
  for (const gpu of [byDefault!, byWorkgroup!]) {
    gpu.ls0.forEach((v, i) => expect(Math.abs(v - cpu!.ls0[i]!), `row ${i}`).toBeLessThan(2e-5));
    for (const s of gpu.sums) expect(Math.abs(s - 1)).toBeLessThan(1e-5);
  }
});

test('rows split across workgroups merge their chunks: masks, ties and invalid logits in far chunks', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const K = 20000; // 4 rows of 20000: 4 workgroups per row (src/ops/row-layout.ts), about 5000 elements each
    const data = new Float32Array(4 * K).fill(-Infinity);
    data[17000] = 3; // row 0: one finite logit, in the last chunk
    for (let k = 0; k < K; k++) data[K + k] = data[3 * K + k] = Math.sin(k);
    data[K + 12000] = NaN; // row 1: invalid in the third chunk
    // row 2 stays all -inf: invalid
    data[3 * K + 5100] = data[3 * K + 15000] = 1e30; // row 3: a tie (the noise vanishes) across chunks 2 and 4
    const out = [];
    const split = await window.harness.lib.createGumbel({ backend: 'webgpu', rowSplit: true, rowPerInvocation: false });
    for (const rt of [split, window.cpu]) {
      const logits = rt.tensor(data, [4, K]);
      const o = await rt.gumbelSoftmax(logits, { tau: 1, seed: 9, outputs: ['y', 'logSoftmax', 'index'] });
      out.push({ backend: rt.backend, y: Array.from(await o.y.read()), ls: Array.from(await o.logSoftmax.read()), index: Array.from(await o.index.read()) });
    }
    split.destroy();
    return { out, K };
  });
  const { K } = r;
  for (const c of r.out) {
    const row = (a: number[], i: number) => a.slice(i * K, (i + 1) * K);
    expect(c.index, c.backend).toEqual([17000, 0xffffffff, 0xffffffff, 5100]);
    expect(row(c.y, 0).map((v, k) => (k === 17000 ? v - 1 : v)).every((v) => v === 0), `${c.backend} row 0 one-hot`).toBe(true);
    expect(row(c.ls, 0).filter((v) => v === -Infinity)).toHaveLength(K - 1);
    for (const i of [1, 2]) expect(row(c.y, i).every(Number.isNaN) && row(c.ls, i).every(Number.isNaN), `${c.backend} row ${i} NaN`).toBe(true);
    const y3 = row(c.y, 3);
    expect([y3[5100], y3[15000]], `${c.backend} row 3 tie`).toEqual([0.5, 0.5]);
    expect(y3.filter((v) => v !== 0)).toHaveLength(2);
  }
});

test('exact ties pick the lowest k on every path: within a block, across blocks, invocations and rows of any length', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const { createGumbel } = window.harness.lib;
    // A logit of 1e30 absorbs any noise (at most 22.9, far under half its ulp), so tied logits give tied v.
    const tieSets = (K: number) => [
      [1, 2], // neighbours: one block, or two when the row starts at lane 3
      [0, 2, K - 1], // the first element, with one in the last block
      [K - 2, K - 1],
      [Math.floor(K / 2), K - 1], // far apart in long rows: different invocations of a workgroup
    ].map((s) => [...new Set(s.filter((k) => k >= 0 && k < K))]);
    const runtimes = {
      default: window.rt,
      'workgroup, subgroups': await createGumbel({ backend: 'webgpu', rowPerInvocation: false }),
      'workgroup, shared memory, stash off': await createGumbel({ backend: 'webgpu', rowPerInvocation: false, subgroups: false, stash: false }),
      cpu: window.cpu,
    };
    const wrong: string[] = [];
    let checked = 0;
    for (const K of [3, 5, 8, 13, 16, 64, 100, 1000, 4096, 5000]) {
      const sets = tieSets(K);
      const data = new Float32Array(sets.length * K);
      sets.forEach((set, row) => {
        for (let k = 0; k < K; k++) data[row * K + k] = Math.sin(row * K + k);
        for (const k of set) data[row * K + k] = 1e30;
      });
      for (const [name, rt] of Object.entries(runtimes)) {
        const logits = rt.tensor(data, [sets.length, K]);
        for (const offset of [0, 3]) {
          for (const [hard, outputs] of [[false, ['y', 'index']], [false, ['index']], [true, ['y', 'index']]] as const) {
            const o = await rt.gumbelSoftmax(logits, { tau: 1, seed: 11, offset, samples: 2, hard, outputs: [...outputs] });
            const index = await o.index!.read();
            const y = o.y ? await o.y.read() : null;
            for (let g = 0; g < 2 * sets.length; g++) {
              const want = Math.min(...sets[g % sets.length]!);
              checked++;
              if (index[g] !== want) wrong.push(`${name} K=${K} offset ${offset} hard ${hard} [${outputs}] sample-row ${g}: index ${index[g]}, want ${want}`);
              if (hard && y && y[g * K + want] !== 1) wrong.push(`${name} K=${K} offset ${offset} sample-row ${g}: hard y not 1 at ${want}`);
            }
          }
        }
        logits.destroy();
      }
    }
    runtimes['workgroup, subgroups'].destroy();
    runtimes['workgroup, shared memory, stash off'].destroy();
    return { wrong, checked };
  });
  expect(r.checked).toBe(10 * 4 * 2 * 3 * 8);
  expect(r.wrong).toEqual([]);
});

test('Gumbel-max frequencies of index over 10^5 samples match softmax(logits) by chi-square', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const { stats } = window.harness;
    const vectors = [
      [0.5, -1, 2, 0, 1.5],
      [8, 0, 0, 0, 0, 0, 0, 0], // peaked
      [1, -Infinity, 0.5, -Infinity, 2, 0], // masked
      Array.from({ length: 100 }, (_, i) => Math.sin(i) * 2), // K = 100: the workgroup-per-row kernel
    ];
    const out = [];
    for (const v of vectors) {
      for (const rt of [window.rt, window.cpu]) {
        const n = 100_000;
        const logits = rt.tensor(Float32Array.from(v), [v.length]);
        const { index } = await rt.gumbelSoftmax(logits, { tau: 1.7, seed: 2024, samples: n, outputs: ['index'] });
        const idx = await index.read();
        const counts = new Float64Array(v.length);
        for (const i of idx) counts[i]!++;
        const p = v.map(Math.exp);
        const z = p.reduce((a, b) => a + b, 0);
        const live = v.map((x, i) => i).filter((i) => p[i]! > 0);
        const x2 = stats.chiSquare(live.map((i) => counts[i]!), live.map((i) => (n * p[i]!) / z));
        out.push({ K: v.length, backend: rt.backend, x2, critical: stats.chiSquareCritical(live.length - 1), maskedHits: v.reduce((a, x, i) => a + (x === -Infinity ? counts[i]! : 0), 0) });
      }
    }
    return out;
  });
  for (const c of r) {
    expect(c.x2, `K=${c.K} ${c.backend}`).toBeLessThan(c.critical);
    expect(c.maskedHits).toBe(0);
  }
});

test('as tau grows the soft sample tends to uniform, as it shrinks to one_hot(index)', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const K = 10;
    const R = 2000;
    const data = Float32Array.from({ length: R * K }, (_, i) => Math.cos(i * 0.7) * 2);
    const logits = window.rt.tensor(data, [R, K]);
    const out = [];
    for (const tau of [1e-4, 0.1, 1, 10, 1e4]) {
      const o = await window.rt.gumbelSoftmax(logits, { tau, seed: 9, outputs: ['y', 'index'] });
      const y = await o.y.read();
      const index = await o.index.read();
      let fromUniform = 0;
      let fromOneHot = 0;
      for (let r = 0; r < R; r++) {
        for (let k = 0; k < K; k++) {
          fromUniform = Math.max(fromUniform, Math.abs(y[r * K + k]! - 1 / K));
          fromOneHot += Math.abs(y[r * K + k]! - (k === index[r] ? 1 : 0)) / R;
        }
      }
      out.push({ tau, fromUniform, fromOneHot });
    }
    return out;
  });
  for (let i = 1; i < r.length; i++) {
    expect(r[i]!.fromUniform).toBeLessThanOrEqual(r[i - 1]!.fromUniform);
    expect(r[i]!.fromOneHot).toBeGreaterThanOrEqual(r[i - 1]!.fromOneHot);
  }
  expect(r[0]!.fromOneHot).toBeLessThan(1e-3); // tau = 1e-4: one-hot up to rare near-ties
  expect(r[4]!.fromUniform).toBeLessThan(1e-3); // tau = 1e4: uniform within 1e-3
});

test('dy at a masked logit has no effect, even where it is infinite or NaN, on every row path and on the CPU', async ({ gpuPage }) => {
  // y is 0 at a masked logit whatever the logits, so the backward must give what it gives with dy = 0 there
  // (0 * inf would make <dy, p>, and with it the row, NaN).
  const r = await gpuPage.evaluate(async () => {
    const { rowPathRuntimes, rowPathShapes, sameValues } = window.harness;
    const gpus = await rowPathRuntimes();
    const runtimes = [...gpus, window.cpu];
    const out: string[] = [];
    let masked = 0;
    for (const [i, rt] of runtimes.entries()) {
      for (const [s, [R, K, offset]] of rowPathShapes.entries()) {
        const samples = 1 + (s % 2); // S = 2 adds its samples' gradients into dLogits
        const n = samples * R * K;
        const isMasked = (j: number) => (j % (R * K)) % 7 === 3;
        const logits = rt.tensor(Float32Array.from({ length: R * K }, (_, j) => Math.sin(j * 0.71 + K) * 4 + (isMasked(j) ? -Infinity : 0)), [R, K]);
        const dyData = Float32Array.from({ length: n }, (_, j) => Math.cos(j * 0.3));
        const shape = [samples, R, K]; // `samples` given: the outputs, and so dy and dLogSoftmax, lead with S
        const dl = rt.tensor(Float32Array.from({ length: n }, (_, j) => Math.sin(j * 0.5) * 0.1), shape);
        const zeroed = dyData.map((v, j) => (isMasked(j) ? 0 : v));
        const poisoned = dyData.map((v, j) => (isMasked(j) ? [Infinity, -Infinity, NaN][j % 3]! : v));
        const rng = { logits, tau: 0.7, seed: 13, offset, samples, dLogSoftmax: dl };
        const want = await (await rt.gumbelSoftmaxBackward({ ...rng, dy: rt.tensor(zeroed, shape) })).read();
        const got = await (await rt.gumbelSoftmaxBackward({ ...rng, dy: rt.tensor(poisoned, shape) })).read();
        const nan = got.filter((v) => !Number.isFinite(v)).length;
        if (!sameValues(got, want) || nan > 0) out.push(`runtime ${i}, ${R} x ${K}, S=${samples}: ${nan} non-finite, first difference at ${got.findIndex((v, j) => !Object.is(v, want[j]))}`);
        if (i === 0) masked += poisoned.filter((v) => !Number.isFinite(v)).length;
      }
    }
    for (const rt of gpus.slice(1)) rt.destroy();
    return { out, masked };
  });
  expect(r.out).toEqual([]);
  expect(r.masked).toBeGreaterThan(10000); // the poisoned dy really has non-finite values at masked logits
});

test('outputs larger than one binding are written in chunks (default-limit device: 128 MiB bindings)', async ({ gpuPage }) => {
  test.setTimeout(300_000);
  const r = await gpuPage.evaluate(async () => {
    const { rt: whole, device } = await window.harness.defaultLimitRuntime();
    const workgroups = await window.harness.lib.createGumbel({ device, rowSplit: true, rowPerInvocation: false });
    const limit = device.limits.maxStorageBufferBindingSize;
    const out = [];
    const cases: [number, number, number, boolean][] = [
      [2, 16, 1_100_000, false], // short rows: y is 141 MB
      [1, 65, 530_000, true], // a workgroup per row: y is 138 MB
      [1, 2 ** 20, 34, true], // 31 sample-rows per chunk, each row split across 64 workgroups: y is 143 MB
    ];
    for (const [R, K, S, byWorkgroup] of cases) {
      const rt = byWorkgroup ? workgroups : whole;
      const data = Float32Array.from({ length: R * K }, (_, i) => Math.sin(i * 1.3) * 2);
      const logits = rt.tensor(data, [R, K]);
      const o = await rt.gumbelSoftmax(logits, { tau: 0.7, seed: 3, samples: S, outputs: ['y', 'index'] });
      const y = await o.y.read();
      const index = await o.index.read();
      // Compare sample-rows around each chunk boundary, and the last ones, with the CPU backend (the noise of
      // sample-row g starts at stream offset g * K).
      const chunk = Math.floor((limit - device.limits.minStorageBufferOffsetAlignment) / (K * 4));
      const starts = [0, chunk - 4, S * R - 8].map((g) => Math.min(g, S * R - 8)).map((g) => g - (g % R));
      let worst = 0;
      let indexMismatches = 0;
      for (const g0 of starts) {
        const c = await window.cpu.gumbelSoftmax(window.cpu.tensor(data, [R, K]), { tau: 0.7, seed: 3, offset: g0 * K, samples: 8 / R, outputs: ['y', 'index'] });
        const cy = await c.y.read();
        const ci = await c.index.read();
        for (let i = 0; i < 8 * K; i++) worst = Math.max(worst, Math.abs(cy[i]! - y[g0 * K + i]!));
        for (let i = 0; i < 8; i++) if (ci[i] !== index[g0 + i]) indexMismatches++;
      }
      let nonFinite = 0;
      for (const v of y) if (!Number.isFinite(v)) nonFinite++;
      out.push({ R, K, S, bytes: y.length * 4, limit, chunk, worst, indexMismatches, nonFinite, byWorkgroup, usesRowSplit: rt.usesRowSplit, usesRowPerInvocation: rt.usesRowPerInvocation });
      o.y.destroy();
      o.index.destroy();
    }
    whole.destroy();
    workgroups.destroy();
    device.destroy();
    return out;
  });
  for (const c of r) {
    expect(c.bytes, 'the output really is larger than a binding').toBeGreaterThan(c.limit);
    expect(c.chunk).toBeLessThan(c.S * c.R);
    expect(c.nonFinite).toBe(0);
    expect(c.indexMismatches).toBe(0);
    expect(c.worst).toBeLessThan(1e-5);
    if (c.byWorkgroup) expect([c.usesRowSplit, c.usesRowPerInvocation]).toEqual([true, false]);
  }
});

test('logits larger than one binding are handled in chunks, forward (one and two samples) and backward (default-limit device)', async ({ gpuPage }) => {
  test.setTimeout(300_000);
  const r = await gpuPage.evaluate(async () => {
    const { rt, device } = await window.harness.defaultLimitRuntime();
    const limit = device.limits.maxStorageBufferBindingSize;
    const [R, K] = [4_250_000, 8]; // 136 MB of logits
    const data = Float32Array.from({ length: R * K }, (_, i) => Math.sin(i * 0.37) * 3);
    const tauData = Float32Array.from({ length: R }, (_, i) => 0.2 + (i % 7) * 0.3);
    const dyData = Float32Array.from({ length: R * K }, (_, i) => Math.cos(i * 0.11));
    const logits = rt.tensor(data, [R, K]);
    const tau = rt.tensor(tauData, [R]);
    const dy = rt.tensor(dyData, [R, K]);
    const o = await rt.gumbelSoftmax(logits, { tau, seed: 4, outputs: ['index'] });
    const grad = await rt.gumbelSoftmaxBackward({ logits, tau, seed: 4, dy });
    // Two samples: a dispatch's sample-rows must stay within one sample (its logits rows are one contiguous
    // range), so the chunk that would cross sample-row R is cut there.
    const twice = await rt.gumbelSoftmax(logits, { tau, seed: 4, samples: 2, outputs: ['index'] });
    const index = await o.index.read();
    const index2 = await twice.index.read();
    const g = await grad.read();
    // Rows around each chunk boundary and at the end, against the CPU backend on just those rows
    // (the noise of row r starts at stream offset r * K).
    const chunk = Math.floor((limit - device.limits.minStorageBufferOffsetAlignment) / (K * 4));
    let indexMismatches = 0;
    let worstGrad = 0;
    for (const r0 of [0, chunk - 4, R - 8]) {
      const rows = (a: Float32Array, per: number) => a.slice(r0 * per, (r0 + 8) * per);
      const cl = window.cpu.tensor(rows(data, K), [8, K]);
      const ct = window.cpu.tensor(rows(tauData, 1), [8]);
      const c = await window.cpu.gumbelSoftmax(cl, { tau: ct, seed: 4, offset: r0 * K, outputs: ['index'] });
      const ci = await c.index.read();
      for (let i = 0; i < 8; i++) if (ci[i] !== index[r0 + i]) indexMismatches++;
      const cg = await (await window.cpu.gumbelSoftmaxBackward({ logits: cl, tau: ct, seed: 4, offset: r0 * K, dy: window.cpu.tensor(rows(dyData, K), [8, K]) })).read();
      for (let i = 0; i < 8 * K; i++) worstGrad = Math.max(worstGrad, Math.abs(cg[i]! - g[r0 * K + i]!) / (1 + Math.abs(cg[i]!)));
    }
    // Sample-row g of the two-sample forward: logits row g mod R, noise from offset g * K; around the chunk
    // boundaries of both samples and across the samples' boundary.
    let sampleIndexMismatches = 0;
    for (const g0 of [chunk - 4, R - 4, R + chunk - 4, 2 * R - 4]) {
      for (let g = g0; g < g0 + 8 && g < 2 * R; g++) {
        const r = g % R;
        const c = await window.cpu.gumbelSoftmax(window.cpu.tensor(data.slice(r * K, (r + 1) * K), [1, K]), { tau: tauData[r]!, seed: 4, offset: g * K, outputs: ['index'] });
        if ((await c.index.read())[0] !== index2[g]) sampleIndexMismatches++;
      }
    }
    rt.destroy();
    device.destroy();
    return { bytes: R * K * 4, limit, chunks: Math.ceil(R / chunk), indexMismatches, worstGrad, samplesCrossChunk: R % chunk !== 0, sampleIndexMismatches };
  });
  expect(r.bytes).toBeGreaterThan(r.limit);
  expect(r.chunks).toBeGreaterThanOrEqual(2);
  expect(r.indexMismatches).toBe(0);
  expect(r.samplesCrossChunk, 'chunks of whole bindings would straddle the samples').toBe(true);
  expect(r.sampleIndexMismatches).toBe(0);
  expect(r.worstGrad).toBeLessThan(1e-4);
});

test("tensors as large as a device allows, when its limits lie between the pool's size classes", async ({ gpuPage }) => {
  test.setTimeout(300_000);
  const r = await gpuPage.evaluate(async () => {
    // Bindings of at most 144 MiB + 64 KiB and buffers of at most 288 MiB + 64 KiB: the pool's classes for tensors
    // of those sizes are 160 and 320 MiB, which the device would refuse as a binding and as a buffer. (A
    // maxBufferSize below the default 256 MiB is not granted.)
    const limits = { maxStorageBufferBindingSize: 144 * 2 ** 20 + 2 ** 16, maxBufferSize: 288 * 2 ** 20 + 2 ** 16 };
    const { rt, device } = await window.harness.limitedRuntime(limits);
    const out = [];
    for (const bytes of [limits.maxStorageBufferBindingSize, limits.maxBufferSize]) {
      const [R, K] = [bytes / 4 / 1024, 1024];
      const n = R * K;
      const errors: string[] = [];
      const worst = { bits: 0, gumbel: 0, index: 0, y: 0, dLogits: 0 };
      try {
        const bits = await rt.randomBits([n], { seed: 5, offset: 3 });
        const noise = await rt.gumbelFromBits(bits);
        const words = await bits.read();
        const g = await noise.read();
        for (const i0 of [0, n - 1024]) {
          const cw = await (await window.cpu.randomBits([1024], { seed: 5, offset: 3 + i0 })).read();
          const cg = await (await window.cpu.gumbelFromBits(window.cpu.tensor(cw))).read();
          for (let i = 0; i < 1024; i++) {
            if (cw[i] !== words[i0 + i]) worst.bits++;
            worst.gumbel = Math.max(worst.gumbel, Math.abs(cg[i]! - g[i0 + i]!) / Math.max(1, Math.abs(cg[i]!)));
          }
        }
        bits.destroy();
        noise.destroy();
        const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 3);
        const dyData = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.11));
        const logits = rt.tensor(data, [R, K]);
        const dy = rt.tensor(dyData, [R, K]);
        const o = await rt.gumbelSoftmax(logits, { tau: 0.6, seed: 6 });
        const y = await o.y.read();
        const index = await o.index.read();
        const grad = await rt.gumbelSoftmaxBackward({ logits, tau: 0.6, seed: 6, dy });
        const dLogits = await grad.read();
        for (const t of [logits, dy, o.y, o.index, grad]) t.destroy();
        for (const r0 of [0, R - 2]) {
          const rows = (a: Float32Array) => window.cpu.tensor(a.slice(r0 * K, (r0 + 2) * K), [2, K]);
          const c = await window.cpu.gumbelSoftmax(rows(data), { tau: 0.6, seed: 6, offset: r0 * K });
          const cy = await c.y.read();
          const ci = await c.index.read();
          const cg = await (await window.cpu.gumbelSoftmaxBackward({ logits: rows(data), tau: 0.6, seed: 6, offset: r0 * K, dy: rows(dyData) })).read();
          for (let i = 0; i < 2; i++) if (ci[i] !== index[r0 + i]) worst.index++;
          for (let i = 0; i < 2 * K; i++) {
            worst.y = Math.max(worst.y, Math.abs(cy[i]! - y[r0 * K + i]!));
            worst.dLogits = Math.max(worst.dLogits, Math.abs(cg[i]! - dLogits[r0 * K + i]!) / (1 + Math.abs(cg[i]!)));
          }
        }
      } catch (error) {
        errors.push(String(error));
      }
      out.push({ bytes, errors, worst });
    }
    const granted = [device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize];
    rt.destroy();
    device.destroy();
    return { granted, expected: [limits.maxStorageBufferBindingSize, limits.maxBufferSize], out };
  });
  expect(r.granted).toEqual(r.expected);
  for (const c of r.out) {
    expect(c.errors, `tensors of ${c.bytes} bytes`).toEqual([]);
    expect(c.worst.bits).toBe(0);
    expect(c.worst.gumbel).toBeLessThan(4e-6);
    expect(c.worst.index).toBe(0);
    expect(c.worst.y).toBeLessThan(1e-5);
    expect(c.worst.dLogits).toBeLessThan(1e-4);
  }
});

test('the row cache sizes itself to a device with the default 16 KiB of workgroup memory', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const { device, rt: defaults } = await window.harness.defaultLimitRuntime();
    defaults.destroy();
    const rt = await window.harness.lib.createGumbel({ device, rowCache: true, rowSplit: false, rowPerInvocation: false });
    let worstY = 0;
    let worstGrad = 0;
    let indexMismatches = 0;
    for (const [R, K] of [[5, 300], [3, 5000], [2, 65537]] as const) {
      const data = Float32Array.from({ length: R * K }, (_, i) => Math.sin(i * 0.37) * 3);
      const dyData = Float32Array.from({ length: R * K }, (_, i) => Math.cos(i * 0.1));
      const run = async (b: typeof rt) => {
        const logits = b.tensor(data, [R, K]);
        const o = await b.gumbelSoftmax(logits, { tau: 0.7, seed: 2 });
        const grad = await b.gumbelSoftmaxBackward({ logits, tau: 0.7, seed: 2, dy: b.tensor(dyData, [R, K]) });
        return { y: await o.y.read(), index: await o.index.read(), grad: await grad.read() };
      };
      const [g, c] = [await run(rt), await run(window.cpu)];
      for (let i = 0; i < R * K; i++) {
        worstY = Math.max(worstY, Math.abs(g.y[i]! - c.y[i]!));
        worstGrad = Math.max(worstGrad, Math.abs(g.grad[i]! - c.grad[i]!) / (1 + Math.abs(c.grad[i]!)));
      }
      for (let i = 0; i < R; i++) if (g.index[i] !== c.index[i]) indexMismatches++;
    }
    const out = { workgroupBytes: device.limits.maxComputeWorkgroupStorageSize, usesRowCache: rt.usesRowCache, usesSubgroups: rt.usesSubgroups, worstY, worstGrad, indexMismatches };
    rt.destroy();
    device.destroy();
    return out;
  });
  expect(r.workgroupBytes).toBe(16384);
  expect([r.usesRowCache, r.usesSubgroups]).toEqual([true, false]);
  expect(r.indexMismatches).toBe(0);
  expect(r.worstY).toBeLessThan(1e-5);
  expect(r.worstGrad).toBeLessThan(1e-4);
});

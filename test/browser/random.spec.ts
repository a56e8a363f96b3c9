// Philox words, uniform floats and Gumbel noise on WebGPU against the CPU backend and float64.
import { readFileSync } from 'node:fs';
import { expect, test } from './fixture.js';

const katText = readFileSync(new URL('../data/philox-kat.txt', import.meta.url), 'utf8');

test('Random123 known answers for philox4x32_10 on the GPU, with Philox products by limbs and by floats', async ({ gpuPage }) => {
  const result = await gpuPage.evaluate(async (text) => {
    const { ref, kernels, runTestKernel } = window.harness;
    const kat = ref.parseKat(text).filter((v) => v.rounds === 10);
    const input = new Uint32Array(kat.flatMap((v) => [...v.counter, ...v.key]));
    const got: number[][] = [];
    for (const floats of [0, 1]) {
      got.push(Array.from(await runTestKernel(window.rt.device!, kernels.philoxKat, input, 4 * kat.length, kat.length, { PHILOX_FLOAT_PRODUCTS: floats })));
    }
    return { got, want: kat.flatMap((v) => v.expected) };
  }, katText);
  expect(result.want).toHaveLength(12);
  expect(result.got).toEqual([result.want, result.want]);
});

test('Philox products by limbs and by floats equal the exact 64-bit products at edge and random words', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const { ref, kernels, runTestKernel } = window.harness;
    const M = [0xd2511f53n, 0xcd9e8d57n];
    const words = new Set<number>();
    for (const edge of [0, 0x8000, 0x10000, 0x7fff0000, 0x80000000, 0xffff0000, 2 ** 32]) {
      for (let d = -2; d <= 2; d++) if (edge + d >= 0 && edge + d < 2 ** 32) words.add(edge + d);
    }
    // Words whose low product lo = a * m mod 2^32 sits where the float path rounds (lo / 2^32 near 0 or 1, near 1/2).
    for (const m of M) {
      let inverse = m; // Newton's iteration for m^-1 mod 2^32 (m is odd)
      for (let i = 0; i < 5; i++) inverse = (inverse * (2n - m * inverse)) & 0xffffffffn;
      for (const lo of [0n, 1n, 2n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 31n + 1n, 2n ** 32n - 2n, 2n ** 32n - 1n]) words.add(Number((lo * inverse) & 0xffffffffn));
    }
    const next = ref.xorshift(20261128);
    while (words.size < 65536 + 64) words.add(next());
    const input = Uint32Array.from(words);
    const out = await runTestKernel(window.rt.device!, kernels.philoxProducts, input, 8 * input.length, input.length);
    let mismatches = 0;
    let first = '';
    input.forEach((a, i) => {
      M.forEach((m, j) => {
        const p = BigInt(a) * m;
        const want = [Number(p >> 32n), Number(p & 0xffffffffn)];
        for (const [path, at] of [['limbs', 8 * i + 2 * j], ['floats', 8 * i + 4 + 2 * j]] as const) {
          if (out[at] !== want[0] || out[at + 1] !== want[1]) {
            mismatches++;
            first ||= `${path}: a = ${a}, m = ${m}: got ${out[at]}, ${out[at + 1]}, want ${want}`;
          }
        }
      });
    });
    const checked = input.filter((a) => Number((BigInt(a) * M[0]!) & 0xffffffffn) === 2 ** 31).length;
    return { n: input.length, mismatches, first, checked };
  });
  expect(r.n).toBeGreaterThan(65536);
  expect(r.checked, 'a word with lo = 2^31 for M0 is among them').toBe(1);
  expect(r.mismatches, r.first).toBe(0);
});

test('GPU words equal CPU words exactly over shapes, seeds, streams and offsets, with Philox products by limbs and by floats', async ({ gpuPage }) => {
  const cases = await gpuPage.evaluate(async () => {
    const other = await window.harness.lib.createGumbel({ device: window.rt.device!, philoxFloatProducts: !window.rt.usesPhiloxFloatProducts });
    // Lengths and offsets that are multiples of 4 take draw.wgsl's aligned variant (vec4 stores), others its lane stores.
    const shapes = [[1], [3], [4], [5], [64], [10, 100], [65537], [2 ** 22]];
    const positions = [
      { seed: 0 },
      { seed: 0xdeadbeef, stream: 1, offset: 3 },
      { seed: 2n ** 53n + 12345n, stream: 2n ** 40n + 7n, offset: 4n * 2n ** 32n - 5n }, // crosses block 2^32
      { seed: 2n ** 64n - 1n, stream: 2n ** 64n - 1n, offset: 2n ** 62n + 1n },
      { seed: 31, stream: 6, offset: 4n * 2n ** 32n - 8n }, // aligned, crosses block 2^32
    ];
    const out: { floats: boolean; shape: number[]; rng: string; n: number; mismatches: number; first: number }[] = [];
    for (const rt of [window.rt, other]) {
      for (const shape of shapes) {
        for (const rng of positions) {
          const g = await (await rt.randomBits(shape, rng)).read();
          const c = await (await window.cpu.randomBits(shape, rng)).read();
          let mismatches = 0;
          let first = -1;
          for (let i = 0; i < c.length; i++) {
            if (g[i] !== c[i]) {
              mismatches++;
              if (first < 0) first = i;
            }
          }
          out.push({ floats: rt.usesPhiloxFloatProducts, shape, rng: JSON.stringify(rng, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)), n: g.length, mismatches, first });
        }
      }
    }
    other.destroy();
    return out;
  });
  expect(cases).toHaveLength(80);
  expect(new Set(cases.map((c) => c.floats)).size).toBe(2);
  for (const c of cases) {
    expect(c.n, `${c.rng} ${c.shape}`).toBe(c.shape.reduce((a, b) => a * b, 1));
    expect(c.mismatches, `floats ${c.floats} ${c.rng} shape ${c.shape}: first at ${c.first}`).toBe(0);
  }
});

test('the f32 products are checked at creation, once per device: where they err, the kernels take limbs by default and refuse philoxFloatProducts true', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const { createGumbel } = window.harness.lib;
    // A device whose f32 products err by 1 in the high word when lo's low ten bits are zero (one product in
    // 1024), as an adapter whose f32 arithmetic broke WGSL's rounding rules might; the limbs are left alone.
    const device = await (await navigator.gpu.requestAdapter())!.requestDevice();
    const createShaderModule = device.createShaderModule.bind(device);
    let patched = 0;
    let modules = 0;
    device.createShaderModule = (descriptor) => {
      const code = descriptor.code.replace('let y = ah_2p16 * p.ml_f + al * p.m_f;', 'let y = ah_2p16 * p.ml_f + al * p.m_f + select(0.0, 1.0, (lo & 1023u) == 0u);');
      if (code !== descriptor.code) patched++;
      modules++;
      return createShaderModule({ ...descriptor, code });
    };
    const refused = await createGumbel({ device, philoxFloatProducts: true }).then(() => 'created', (e: Error) => e.message);
    const modulesBefore = modules;
    const fallback = await createGumbel({ device }); // after the refusal: the caller's device lives on
    const modulesForFallback = modules - modulesBefore; // the device's verdict is reused: nothing compiled
    const rng = { seed: 9n, stream: 4n, offset: 1n };
    const n = 65537;
    const words = await (await fallback.randomBits([n], rng)).read();
    const expected = await (await window.cpu.randomBits([n], rng)).read();
    let mismatches = 0;
    for (let i = 0; i < n; i++) if (words[i] !== expected[i]) mismatches++;
    const asked = await createGumbel({ device: window.rt.device!, philoxFloatProducts: true }); // an unpatched device
    const result = { byDefault: window.rt.usesPhiloxFloatProducts, asked: asked.usesPhiloxFloatProducts, fallback: fallback.usesPhiloxFloatProducts, patched, modulesForFallback, refused, mismatches };
    asked.destroy();
    fallback.destroy();
    device.destroy();
    return result;
  });
  expect(r.byDefault, 'the f32 form passes its check on this CPU adapter').toBe(true);
  expect(r.asked).toBe(true);
  expect(r.patched, 'the error was compiled in').toBeGreaterThan(0);
  const wrong = /philoxFloatProducts: on this adapter the f32 form gave (\d+) of 16384 Philox words wrong in a check at creation; leave the option unset/.exec(r.refused);
  expect(wrong, r.refused).not.toBeNull();
  expect(Number(wrong![1])).toBeGreaterThan(0);
  expect(r.fallback).toBe(false);
  expect(r.modulesForFallback, 'the check ran once for the device').toBe(0);
  expect(r.mismatches).toBe(0);
});

test('2n GPU words at offset o equal n at o then n at o + n (odd n, across block 2^32)', async ({ gpuPage }) => {
  const results = await gpuPage.evaluate(async () => {
    const out: boolean[] = [];
    for (const n of [1, 3, 1001, 65537]) {
      for (const offset of [0n, 5n, 4n * 2n ** 32n - BigInt(n)]) {
        const rng = { seed: 99n, stream: 2n ** 33n };
        const whole = await (await window.rt.randomBits([2 * n], { ...rng, offset })).read();
        const a = await (await window.rt.randomBits([n], { ...rng, offset })).read();
        const b = await (await window.rt.randomBits([n], { ...rng, offset: offset + BigInt(n) })).read();
        out.push(whole.every((w, i) => w === (i < n ? a[i] : b[i - n])));
      }
    }
    return out;
  });
  expect(results).toEqual(new Array(12).fill(true));
});

test('GPU uniform equals CPU uniform bit for bit (lane stores at offset 1, vec4 stores at offset 8)', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const out = [];
    for (const offset of [1, 8]) {
      const rng = { seed: 4242, stream: 3, offset };
      const g = await (await window.rt.uniform([1 << 20], rng)).read();
      const c = await (await window.cpu.uniform([1 << 20], rng)).read();
      let mismatches = 0;
      let outside = 0;
      for (let i = 0; i < c.length; i++) {
        if (g[i] !== c[i]) mismatches++;
        if (!(g[i]! > 0 && g[i]! < 1)) outside++;
      }
      out.push({ offset, mismatches, outside, n: g.length });
    }
    return out;
  });
  expect(r).toEqual([1, 8].map((offset) => ({ offset, mismatches: 0, outside: 0, n: 1 << 20 })));
});

test('GPU gumbel of a 2^22 draw: finite and within 4e-6 * max(1, |g64|) of the float64 value of each word (lane stores at offset 2, vec4 stores at offset 4)', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const out = [];
    for (const offset of [2, 4]) {
      const rng = { seed: 2n ** 63n + 17n, stream: 11, offset };
      const n = 2 ** 22;
      const words = await (await window.rt.randomBits([n], rng)).read();
      const g = await (await window.rt.gumbel([n], rng)).read();
      const cpu = await (await window.cpu.gumbel([n], rng)).read();
      out.push({ offset, gpuCheck: window.harness.ref.checkGumbel(words, g), cpuCheck: window.harness.ref.checkGumbel(words, cpu) });
    }
    return out;
  });
  expect(r).toHaveLength(2);
  for (const { offset, gpuCheck, cpuCheck } of r) {
    expect(gpuCheck.failures, `offset ${offset}: ${JSON.stringify(gpuCheck.worst)}`).toBe(0);
    expect(cpuCheck.failures, `offset ${offset}: ${JSON.stringify(cpuCheck.worst)}`).toBe(0);
    console.log(`GPU gumbel worst relative error over 2^22 draws at offset ${offset}: ${gpuCheck.worst.err.toExponential(2)} at word ${gpuCheck.worst.x}`);
  }
});

test('GPU gumbel over every word of both tails, around 2^31 and a stride through the middle (2^24 words: a 2-D folded dispatch)', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const { ref } = window.harness;
    const ranges: [string, Uint32Array][] = [
      ['[0, 2^24)', ref.wordRange(0, 2 ** 24)],
      ['[2^32 - 2^24, 2^32)', ref.wordRange(2 ** 32 - 2 ** 24, 2 ** 24)],
      ['around 2^31', ref.wordRange(2 ** 31 - 2 ** 20, 2 ** 21)],
      ['stride 4099', ref.wordRange(2 ** 24, Math.floor((2 ** 32 - 2 ** 25) / 4099), 4099)],
    ];
    const out = [];
    for (const [name, words] of ranges) {
      const bits = window.rt.tensor(words);
      const gt = await window.rt.gumbelFromBits(bits);
      const check = ref.checkGumbel(words, await gt.read());
      bits.destroy();
      gt.destroy();
      out.push({ name, n: words.length, ...check });
    }
    return out;
  });
  for (const c of r) {
    expect(c.failures, `${c.name}: worst ${JSON.stringify(c.worst)}`).toBe(0);
    console.log(`${c.name}: ${c.n} words, worst relative error ${c.worst.err.toExponential(2)} at ${c.worst.x}`);
  }
});

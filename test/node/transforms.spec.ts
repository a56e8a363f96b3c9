// The uniform and Gumbel transforms on the CPU backend: exactness, range, tails and statistics.
import { expect, test } from '@playwright/test';
import { createGumbel } from '../../dist/index.js';
import { checkGumbel, wordRange } from '../support/reference.js';
import { chiSquare, chiSquareCritical, EULER_GAMMA, gumbelCdf, ksCritical, ksStatistic, meanVariance } from '../support/stats.js';

test('uniform is (floor(x / 2^9) + 0.5) * 2^-23 exactly, strictly inside (0, 1)', async () => {
  const rt = await createGumbel({ backend: 'cpu' });
  const n = 100_003;
  const rng = { seed: 12345, stream: 2, offset: 3 };
  const words = await (await rt.randomBits([n], rng)).read();
  const u = await (await rt.uniform([n], rng)).read();
  for (let i = 0; i < n; i++) {
    if (u[i] !== ((words[i]! >>> 9) + 0.5) * 2 ** -23) throw new Error(`uniform[${i}] = ${u[i]} for word ${words[i]}`);
  }
  // The extreme words map inside (0, 1), and f32 represents them exactly.
  expect(Math.fround((0 + 0.5) * 2 ** -23)).toBeGreaterThan(0);
  expect(Math.fround(((2 ** 32 - 1) >>> 9) + 0.5) * 2 ** -23).toBeLessThan(1);
});

test('gumbel over every word of both tails and a stride through the middle: finite, within 4e-6 * max(1, |g64|)', async () => {
  const rt = await createGumbel({ backend: 'cpu' });
  const ranges: [string, Uint32Array][] = [
    ['[0, 2^24)', wordRange(0, 2 ** 24)],
    ['[2^32 - 2^24, 2^32)', wordRange(2 ** 32 - 2 ** 24, 2 ** 24)],
    ['stride 4099 through the middle', wordRange(2 ** 24, Math.floor((2 ** 32 - 2 ** 25) / 4099), 4099)],
    ['around 2^31', wordRange(2 ** 31 - 2 ** 20, 2 ** 21)],
  ];
  for (const [name, words] of ranges) {
    const bits = rt.tensor(words);
    const g = await (await rt.gumbelFromBits(bits)).read();
    const { failures, worst } = checkGumbel(words, g);
    expect(failures, `${name}: worst ${JSON.stringify(worst)}`).toBe(0);
  }
  // The extreme words reach the extremes: about -3.13 at x = 0 and 22.87 at x = 2^32 - 1 (u = 1 - 2^-33).
  const [lo, hi] = await (await rt.gumbelFromBits(rt.tensor(new Uint32Array([0, 2 ** 32 - 1])))).read();
  expect(lo).toBeCloseTo(-Math.log(33 * Math.LN2), 5);
  expect(hi).toBeCloseTo(33 * Math.LN2, 4);
});

test('gumbel draws equal the transform of the same words', async () => {
  const rt = await createGumbel({ backend: 'cpu' });
  const rng = { seed: 77n, stream: 3n, offset: 5n };
  const words = await rt.randomBits([4097], rng);
  const viaBits = await (await rt.gumbelFromBits(words)).read();
  const drawn = await (await rt.gumbel([4097], rng)).read();
  expect(Array.from(drawn)).toEqual(Array.from(viaBits));
});

test('uniform passes chi-square over 256 bins at n = 10^6', async () => {
  const rt = await createGumbel({ backend: 'cpu' });
  const n = 1_000_000;
  const u = await (await rt.uniform([n], { seed: 2024 })).read();
  const counts = new Float64Array(256);
  for (const x of u) counts[Math.floor(x * 256)]!++;
  const x2 = chiSquare(counts, new Float64Array(256).fill(n / 256));
  expect(x2).toBeLessThan(chiSquareCritical(255));
  expect(x2).toBeGreaterThan(chiSquareCritical(255, -3.09)); // too even is as suspicious as too uneven
});

test('gumbel matches exp(-exp(-x)) by Kolmogorov-Smirnov at n = 10^6, mean gamma, variance pi^2/6', async () => {
  const rt = await createGumbel({ backend: 'cpu' });
  const n = 1_000_000;
  const g = await (await rt.gumbel([n], { seed: 31337, stream: 1 })).read();
  expect(ksStatistic(g, gumbelCdf)).toBeLessThan(ksCritical(n));
  const { mean, variance } = meanVariance(g);
  // Standard errors at n = 10^6: mean 0.00128, variance about 0.0052 (fourth central moment 14.6).
  expect(Math.abs(mean - EULER_GAMMA)).toBeLessThan(0.0045);
  expect(Math.abs(variance - Math.PI ** 2 / 6)).toBeLessThan(0.018);
});

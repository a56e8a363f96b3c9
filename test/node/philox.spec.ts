// Philox4x32 and the stream contract on the CPU backend.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { createGumbel } from '../../dist/index.js';
import { philox4x32 } from '../../src/cpu/philox.js';
import { parseKat, philoxBig, streamWord } from '../support/reference.js';

const KAT = parseKat(readFileSync(new URL('../data/philox-kat.txt', import.meta.url), 'utf8'));

test('the known-answer file has the 10- and 7-round vectors', () => {
  expect(KAT.filter((v) => v.rounds === 10)).toHaveLength(3);
  expect(KAT.filter((v) => v.rounds === 7)).toHaveLength(3);
});

for (const v of KAT) {
  test(`Random123 KAT philox4x32_${v.rounds} counter ${v.counter.map((w) => w.toString(16)).join(' ')}`, () => {
    const [c0, c1, c2, c3] = v.counter;
    expect(Array.from(philox4x32(c0, c1, c2, c3, v.key[0], v.key[1], new Uint32Array(4), v.rounds))).toEqual(v.expected);
    expect(philoxBig(v.counter, v.key, v.rounds)).toEqual(v.expected); // the test's own reference agrees too
  });
}

test('randomBits follows the stream contract word for word', async () => {
  const rt = await createGumbel({ backend: 'cpu' });
  const cases = [
    { seed: 1n, stream: 0n, offset: 0n, n: 9 },
    { seed: 0xdeadbeefcafef00dn, stream: 0x123456789abn, offset: 7n, n: 13 },
    { seed: 2n ** 64n - 1n, stream: 2n ** 64n - 1n, offset: 2n ** 64n - 11n, n: 10 }, // ends at the last word
    { seed: 2n ** 53n + 1n, stream: 5n, offset: 4n * 2n ** 32n - 3n, n: 11 }, // crosses block 2^32
  ];
  for (const c of cases) {
    const got = await (await rt.randomBits([c.n], { seed: c.seed, stream: c.stream, offset: c.offset })).read();
    const want = Array.from({ length: c.n }, (_, i) => streamWord(c.seed, c.stream, c.offset + BigInt(i)));
    expect(Array.from(got), JSON.stringify(c, (_, v) => (typeof v === 'bigint' ? `${v}` : v))).toEqual(want);
  }
});

test('2n words at offset o equal n words at o then n at o + n (odd n, across block 2^32)', async () => {
  const rt = await createGumbel({ backend: 'cpu' });
  for (const n of [1, 3, 5, 1001]) {
    for (const offset of [0n, 1n, 6n, 4n * 2n ** 32n - 2n * BigInt(n) + 1n]) {
      const rng = { seed: 2n ** 60n + 3n, stream: 9 };
      const whole = await (await rt.randomBits([2 * n], { ...rng, offset })).read();
      const first = await (await rt.randomBits([n], { ...rng, offset })).read();
      const second = await (await rt.randomBits([n], { ...rng, offset: offset + BigInt(n) })).read();
      expect(Array.from(whole)).toEqual([...first, ...second]);
    }
  }
});

test('number and bigint arguments name the same stream position', async () => {
  const rt = await createGumbel({ backend: 'cpu' });
  const a = await (await rt.randomBits([6], { seed: 2 ** 53 - 1, stream: 4, offset: 2 ** 40 + 1 })).read();
  const b = await (await rt.randomBits([6], { seed: 2n ** 53n - 1n, stream: 4n, offset: 2n ** 40n + 1n })).read();
  expect(Array.from(a)).toEqual(Array.from(b));
  const other = await (await rt.randomBits([6], { seed: 2n ** 53n, stream: 4n, offset: 2n ** 40n + 1n })).read();
  expect(Array.from(other)).not.toEqual(Array.from(a));
});

test('seed, stream and offset reject what is not an integer in [0, 2^64)', async () => {
  const rt = await createGumbel({ backend: 'cpu' });
  const bad: [Record<string, unknown>, ErrorConstructor, RegExp][] = [
    [{}, TypeError, /rng\.seed is required/],
    [{ seed: -1 }, RangeError, /rng\.seed/],
    [{ seed: 1.5 }, RangeError, /rng\.seed/],
    [{ seed: NaN }, RangeError, /rng\.seed/],
    [{ seed: 2 ** 53 }, RangeError, /rng\.seed must be a non-negative safe integer/],
    [{ seed: 2n ** 64n }, RangeError, /rng\.seed must be an integer in \[0, 2\^64\)/],
    [{ seed: -1n }, RangeError, /rng\.seed/],
    [{ seed: '7' }, TypeError, /rng\.seed must be a number or a bigint, got the string "7"/],
    [{ seed: 1, stream: -2 }, RangeError, /rng\.stream/],
    [{ seed: 1, stream: Infinity }, RangeError, /rng\.stream/],
    [{ seed: 1, offset: 2n ** 64n }, RangeError, /rng\.offset/],
    [{ seed: 1, offset: '0' }, TypeError, /rng\.offset/],
    [{ seed: 1, ofset: 3 }, TypeError, /rng has an unknown option "ofset"; allowed: seed, stream, offset/],
  ];
  for (const [rng, type, message] of bad) {
    const ops = [() => rt.randomBits([4], rng as never), () => rt.uniform([4], rng as never), () => rt.gumbel([4], rng as never)];
    for (const op of ops) {
      await expect(op(), JSON.stringify(rng, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))).rejects.toThrow(type);
      await expect(op()).rejects.toThrow(message);
    }
  }
  await expect(rt.randomBits([4], null as never)).rejects.toThrow(TypeError);
  // Still usable, and still right.
  expect((await (await rt.randomBits([2], { seed: 0 })).read())[0]).toBe(streamWord(0n, 0n, 0n));
});

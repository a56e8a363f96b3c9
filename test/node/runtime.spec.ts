// Runtime creation, tensors and their life cycle on the CPU backend in Node.
import { expect, test } from '@playwright/test';
import { createGumbel, WebGpuUnavailableError } from '../../dist/index.js';

test("backend 'auto' in Node without options.gpu falls back to the CPU; 'webgpu' rejects clearly", async () => {
  const auto = await createGumbel();
  expect(auto.backend).toBe('cpu');
  expect(auto.adapterInfo).toBeNull();
  await expect(createGumbel({ backend: 'webgpu' })).rejects.toThrow(WebGpuUnavailableError);
  await expect(createGumbel({ backend: 'webgpu' })).rejects.toThrow(/navigator\.gpu is undefined/);
  await expect(createGumbel({ backend: 'gpu' as never })).rejects.toThrow(/options\.backend must be 'auto', 'webgpu' or 'cpu'/);
});

test('boolean options are checked on every backend, and misspelt options are refused', async () => {
  for (const name of ['subgroups', 'rowCache', 'stash', 'rowSplit', 'rowPerInvocation', 'philoxFloatProducts']) {
    await expect(createGumbel({ backend: 'cpu', [name]: 'yes' })).rejects.toThrow(new RegExp(`options\\.${name} must be a boolean, got string`));
    await expect(createGumbel({ backend: 'cpu', [name]: 1 })).rejects.toThrow(TypeError);
  }
  await expect(createGumbel({ backend: 'cpu', rowsplit: true } as never)).rejects.toThrow(/options has an unknown option "rowsplit"; allowed: backend, device, gpu, subgroups, rowCache, stash, rowSplit, rowPerInvocation, philoxFloatProducts/);
  await expect(createGumbel(null as never)).rejects.toThrow(/options must be an object/);
  expect((await createGumbel({ backend: 'cpu', rowSplit: true, stash: false })).backend).toBe('cpu');
});

test('tensors keep shape, dtype and data; read twice gives the same copy; destroy is idempotent', async () => {
  const rt = await createGumbel({ backend: 'cpu' });
  const data = new Float32Array([1.5, -2, 3.25, 4, 5, 6]);
  const t = rt.tensor(data, [2, 3]);
  expect(t.shape).toEqual([2, 3]);
  expect(t.dtype).toBe('f32');
  expect(t.size).toBe(6);
  data[0] = 99; // the tensor holds its own copy
  const a = await t.read();
  a[1] = 42; // and read() hands out copies
  expect(Array.from(await t.read())).toEqual([1.5, -2, 3.25, 4, 5, 6]);
  const u = rt.tensor(new Uint32Array([7, 8]));
  expect(u.dtype).toBe('u32');
  expect(u.shape).toEqual([2]);
  t.destroy();
  t.destroy();
  expect(t.destroyed).toBe(true);
  await expect(t.read()).rejects.toThrow(/destroyed/);
});

test('bad tensor arguments are TypeErrors or RangeErrors that name the argument', async () => {
  const rt = await createGumbel({ backend: 'cpu' });
  expect(() => rt.tensor([1, 2] as never)).toThrow(/data must be a Float32Array or a Uint32Array, got Array/);
  expect(() => rt.tensor(new Float64Array(2) as never)).toThrow(TypeError);
  expect(() => rt.tensor(new Float32Array(6), [4, 2])).toThrow(/shape \[4,2\] has 8 elements but data has 6/);
  expect(() => rt.tensor(new Float32Array(6), [2, -3])).toThrow(/shape\[1\] must be a non-negative integer, got -3/);
  expect(() => rt.tensor(new Float32Array(6), [2, 1.5] as never)).toThrow(RangeError);
  await expect(rt.gumbel([2, NaN], { seed: 1 })).rejects.toThrow(/shape\[1\] must be a non-negative integer, got NaN/);
  await expect(rt.gumbel('3' as never, { seed: 1 })).rejects.toThrow(TypeError);
  const other = await createGumbel({ backend: 'cpu' });
  await expect(rt.gumbelFromBits(other.tensor(new Uint32Array(2)))).rejects.toThrow(/bits is a tensor of another runtime/);
  await expect(rt.gumbelFromBits(rt.tensor(new Float32Array(2)) as never)).rejects.toThrow(/bits must have dtype 'u32', got 'f32'/);
  const dead = rt.tensor(new Uint32Array(2));
  dead.destroy();
  await expect(rt.gumbelFromBits(dead)).rejects.toThrow(/bits was destroyed/);
});

test('a tensor larger than the engine allocates is a RangeError giving its size, and the runtime stays right', async () => {
  const rt = await createGumbel({ backend: 'cpu' });
  const tooLarge = /RangeError: a tensor of (\d+) elements \(\d+ bytes\) is more than this JavaScript engine allocates for the CPU backend/;
  // 4096 logits and 2^21 samples: 2^33 outputs, and an index small enough that only the former can fail.
  const logits = rt.tensor(Float32Array.from({ length: 4096 }, (_, i) => Math.sin(i)), [1, 4096]);
  const calls: [number, () => Promise<unknown>][] = [
    [2 ** 40, () => rt.randomBits([2 ** 40], { seed: 1 })],
    [2 ** 40, () => rt.uniform([2 ** 20, 2 ** 20], { seed: 1 })],
    [2 ** 33, () => rt.gumbel([2 ** 33], { seed: 1 })],
    [2 ** 33, () => rt.gumbelSoftmax(logits, { tau: 1, seed: 1, samples: 2 ** 21 })],
    [2 ** 33, () => rt.gumbelSoftmax(logits, { tau: 1, seed: 1, samples: 2 ** 21, outputs: ['index'] })],
  ];
  for (const [size, call] of calls) {
    const error = await call().then(() => 'resolved', (e: Error) => `${e.name}: ${e.message}`);
    expect(error).toMatch(tooLarge);
    expect(Number(tooLarge.exec(error)![1])).toBe(size);
  }
  const fresh = await createGumbel({ backend: 'cpu' });
  const bits = async (r: typeof rt) => Array.from(await (await r.randomBits([9], { seed: 5, offset: 3 })).read());
  expect(await bits(rt)).toEqual(await bits(fresh));
});

test('zero-size shapes give empty tensors', async () => {
  const rt = await createGumbel({ backend: 'cpu' });
  const g = await rt.gumbel([0, 5], { seed: 1 });
  expect(g.shape).toEqual([0, 5]);
  expect((await g.read()).length).toBe(0);
});

test('a destroyed runtime rejects every call', async () => {
  const rt = await createGumbel({ backend: 'cpu' });
  const t = await rt.uniform([3], { seed: 5 });
  rt.destroy();
  await expect(rt.gumbel([3], { seed: 5 })).rejects.toThrow(/runtime was destroyed/);
  await expect(t.read()).rejects.toThrow(/runtime was destroyed/);
});

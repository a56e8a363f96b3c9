// Every shader parses, and TypeScript cannot bind a kernel differently from what its WGSL declares.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { checkBindingNames, foldDispatch, kernelPieces, kernelVariant, packParams } from '../../src/gpu/kernels.js';
import { sizeClass } from '../../src/gpu/buffer-pool.js';
import { chooseRowSplit, fewBlocks, HELD_BLOCKS, MAX_FEW_BLOCKS, holdsRows, invocationWorkgroupSize, rowsByInvocation, rowWorkgroupSize } from '../../src/ops/row-layout.js';
import { composeWgsl, loadKernel, reflectKernel, variantDelta } from '../../tools/wgsl-kernel.js';

const SHADERS = new URL('../../shaders/', import.meta.url).pathname;
const files = readdirSync(SHADERS).filter((f) => f.endsWith('.wgsl'));
const kernels = files.filter((f) => readFileSync(SHADERS + f, 'utf8').includes('@compute')).map((f) => f.replace(/\.wgsl$/, ''));

test('the shader folder has kernels and pieces', () => {
  expect(kernels).toEqual(expect.arrayContaining(['draw', 'gumbel-from-bits']));
  expect(files).toEqual(expect.arrayContaining(['philox.wgsl', 'gumbel.wgsl', 'stream.wgsl', 'dispatch.wgsl']));
});

for (const name of kernels) {
  test(`shaders/${name}.wgsl composes and reflects`, () => {
    const spec = loadKernel(SHADERS, name);
    expect(spec.entryPoint).toBe('main');
    expect(spec.workgroupSize).toBeGreaterThan(0);
    expect(spec.bindings.length).toBeGreaterThan(0);
    expect(spec.code).not.toMatch(/^\/\/!/m); // every directive composed
  });
}

// Each kernel that src/ops imports as NAME.wgsl?aligned too, and the arrays that variant binds as vectors
// (element type, then vector): the forward's and the backward's row data (forward-rows.wgsl, backward-rows.wgsl),
// the draw's output (draw-out.wgsl).
type Vec4Arrays = [arrays: string[], scalar: string, vector: string];
const FORWARD_ROWS: Vec4Arrays = [['logits', 'y_out', 'log_softmax_out'], 'f32', 'vec4f'];
const BACKWARD_ROWS: Vec4Arrays = [['logits', 'dy', 'dl', 'd_logits'], 'f32', 'vec4f'];
const ALIGNED: Record<string, Vec4Arrays> = {
  'gumbel-softmax': FORWARD_ROWS,
  'gumbel-softmax-by-invocation': FORWARD_ROWS,
  'gumbel-softmax-subgroups': FORWARD_ROWS,
  'gumbel-softmax-backward': BACKWARD_ROWS,
  'gumbel-softmax-backward-by-invocation': BACKWARD_ROWS,
  'gumbel-softmax-backward-subgroups': BACKWARD_ROWS,
  draw: [['out'], 'u32', 'vec4u'],
};

test('the aligned variants bind the row data (the draw: its output) as vec4s, with one access per Philox block, and the bundle derives them from their kernels', () => {
  const sections = (code: string) => kernelPieces(code).sort();
  for (const [name, [arrays, scalar, vector]] of Object.entries(ALIGNED)) {
    const base = loadKernel(SHADERS, name);
    const spec = loadKernel(SHADERS, name, 'aligned');
    expect(spec.name).toBe(`${name}?aligned`);
    expect(spec.bindings).toEqual(base.bindings);
    for (const buffer of arrays) {
      expect(base.code, `${name}: ${buffer}`).toMatch(new RegExp(`var<storage, read(_write)?> ${buffer}: array<${scalar}>;`));
      expect(spec.code, `${name}: ${buffer}`).toMatch(new RegExp(`var<storage, read(_write)?> ${buffer}: array<${vector}>;`));
      expect(spec.code, `${name}: ${buffer}`).not.toMatch(new RegExp(`${buffer}\\[at\\.`)); // no lane-by-lane access
    }
    const derived = kernelVariant(base, variantDelta(SHADERS, name, 'aligned'));
    expect(derived.name).toBe(spec.name);
    expect(sections(derived.code)).toEqual(sections(spec.code));
    expect(reflectKernel(derived.name, derived.code)).toEqual({ ...spec, code: derived.code });
  }
  expect(() => loadKernel(SHADERS, 'gumbel-softmax', 'vec4')).toThrow(/shaders\/gumbel-softmax\.wgsl\?vec4: no such variant \(aligned\)/);
  expect(() => loadKernel(SHADERS, 'gumbel-from-bits', 'aligned')).toThrow(/shaders\/gumbel-from-bits\.wgsl\?aligned: the kernel includes none of the pieces the variant replaces/);
});

test('draw.wgsl reflects to the layout src/ops/draw.ts binds', () => {
  const spec = loadKernel(SHADERS, 'draw');
  expect(spec.bindings).toEqual([
    { name: 'draw', binding: 0, type: 'uniform' },
    { name: 'out', binding: 1, type: 'storage' },
  ]);
  expect(spec.params?.fields.map((f) => [f.name, f.offset, f.type])).toEqual([
    ['key', 0, 'vec2u'],
    ['stream', 8, 'vec2u'],
    ['first_block', 16, 'vec2u'],
    ['lead', 24, 'u32'],
    ['n', 28, 'u32'],
    ['blocks', 32, 'u32'],
    ['out_shift', 36, 'u32'],
  ]);
  expect(spec.overrides).toEqual(['PHILOX_FLOAT_PRODUCTS', 'TRANSFORM']);
  expect(loadKernel(SHADERS, 'gumbel-from-bits').bindings.map((b) => `${b.name}:${b.type}`)).toEqual(['params:uniform', 'words:read-only-storage', 'out:storage']);
});

test('a binding mismatch between TypeScript and WGSL is an error naming both sides', () => {
  const spec = loadKernel(SHADERS, 'draw');
  expect(() => checkBindingNames(spec, ['draw', 'out'])).not.toThrow();
  expect(() => checkBindingNames(spec, ['draw'])).toThrow(/kernel draw: binding mismatch \(missing: \[out\], unexpected: \[\]\)/);
  expect(() => checkBindingNames(spec, ['draw', 'output'])).toThrow(/missing: \[out\], unexpected: \[output\]/);
});

test('uniform blocks are packed at the reflected offsets, and only with every member', () => {
  const spec = loadKernel(SHADERS, 'draw');
  const values = { key: [1, 2], stream: [3, 4], first_block: [5, 6], lead: 7, n: 8, blocks: 9, out_shift: 10 };
  expect(Array.from(new Uint32Array(packParams(spec, values)))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0]);
  const { blocks: _, ...missing } = values;
  expect(() => packParams(spec, missing)).toThrow(/draw\.blocks was not given/);
  expect(() => packParams(spec, { ...values, tau: 1 })).toThrow(/has no member\(s\) tau/);
  expect(() => packParams(spec, { ...values, lead: [1, 2] })).toThrow(/draw\.lead is u32, given 2 value/);
});

test('f32 uniform members are packed as floats, u32 members as integers', () => {
  const spec = loadKernel(SHADERS, 'gumbel-softmax');
  const values = { key: [1, 2], stream: [3, 4], base: [5, 6], first_row: 7, rows: 8, batch_rows: 9, k: 10, tau: 0.25, out_base: 11, index_base: 12, logit_base: 13, tau_base: 14, chunks: 1, chunk_blocks: 15 };
  const bytes = packParams(spec, values);
  const tau = spec.params!.fields.find((f) => f.name === 'tau')!;
  expect(tau.type).toBe('f32');
  expect(new DataView(bytes).getFloat32(tau.offset, true)).toBe(0.25);
  const k = spec.params!.fields.find((f) => f.name === 'k')!;
  expect(new DataView(bytes).getUint32(k.offset, true)).toBe(10);
});

test('a malformed shader fails the build with the file named', () => {
  expect(() => reflectKernel('broken', '@compute @workgroup_size(64) fn main( {')).toThrow();
  expect(() => reflectKernel('two', composeWgsl(SHADERS, 'philox.wgsl'))).toThrow(/shaders\/two\.wgsl: expected one @compute entry point, found 0/);
});

test('a template piece composes once per renaming, with its words renamed', () => {
  const count = (code: string, text: string) => code.split(text).length - 1;
  for (const name of ['gumbel-softmax', 'gumbel-softmax-by-invocation', 'gumbel-softmax-subgroups']) {
    const code = loadKernel(SHADERS, name).code;
    expect([count(code, 'fn y_store('), count(code, 'fn log_softmax_store('), count(code, 'fn d_logits_store(')]).toEqual([1, 1, 0]);
    expect(code).toContain('log_softmax_out[at.w] = w.w;');
    const body = code.split('\n').filter((line) => !line.startsWith('// ---- ')); // headers name the renaming
    expect(body.filter((line) => /STORE_FN|STORE_OUT/.test(line))).toEqual([]);
  }
  const backward = loadKernel(SHADERS, 'gumbel-softmax-backward').code;
  expect([count(backward, 'fn y_store('), count(backward, 'fn d_logits_store(')]).toEqual([0, 1]);
  expect(backward).toContain('d_logits[row + k[lane]] = v[lane];');

  const dir = mkdtempSync(join(tmpdir(), 'wgsl-'));
  try {
    writeFileSync(join(dir, 'piece.wgsl'), 'fn NAME() -> u32 { return NAME_VALUE; }\n');
    writeFileSync(join(dir, 'twice.wgsl'), '//!instance piece.wgsl NAME=a\n//!instance piece.wgsl NAME=a\n//!instance piece.wgsl NAME=b\n');
    const twice = composeWgsl(dir, 'twice.wgsl');
    expect([count(twice, 'fn a()'), count(twice, 'fn b()'), count(twice, 'NAME_VALUE')]).toEqual([1, 1, 2]); // whole words only
    writeFileSync(join(dir, 'typo.wgsl'), '//!instance piece.wgsl NAM=a\n');
    expect(() => composeWgsl(dir, 'typo.wgsl')).toThrow(/shaders\/piece\.wgsl: \/\/!instance renames NAM, which it does not contain/);
    writeFileSync(join(dir, 'unknown.wgsl'), '//!includ piece.wgsl\n');
    expect(() => composeWgsl(dir, 'unknown.wgsl')).toThrow(/shaders\/unknown\.wgsl: unknown directive \/\/!includ piece\.wgsl/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('dispatches past the per-dimension limit fold into 2-D that covers every workgroup', () => {
  expect(foldDispatch(0, 65535)).toEqual([1, 1]);
  expect(foldDispatch(65535, 65535)).toEqual([65535, 1]);
  for (const groups of [65536, 131071, 524288, 65535 * 3 + 1]) {
    const [x, y] = foldDispatch(groups, 65535);
    expect(x).toBeLessThanOrEqual(65535);
    expect(x * y).toBeGreaterThanOrEqual(groups);
    expect(x * (y - 1)).toBeLessThan(groups);
  }
  expect(() => foldDispatch(65536 * 65536, 65535)).toThrow(RangeError);
});

test('buffer size classes cover the request with at most 12.5% slack above 64 KiB', () => {
  for (const bytes of [1, 4, 17, 65536, 65537, 100_000, 2 ** 22 + 4, 123_456_789]) {
    const c = sizeClass(bytes);
    expect(c).toBeGreaterThanOrEqual(bytes);
    if (bytes > 65536) expect(c).toBeLessThanOrEqual(bytes * 1.125 + 16);
  }
});

test('rows take an invocation each when short, and long ones too with rowPerInvocation in dispatches of 4 rows or more; a small dispatch of short rows takes a workgroup that just covers it', () => {
  expect(rowsByInvocation(1, 64, false)).toBe(true);
  expect(rowsByInvocation(100000, 65, false)).toBe(false);
  expect(rowsByInvocation(4, 2 ** 20, true)).toBe(true);
  expect(rowsByInvocation(3, 65, true)).toBe(false); // most of a SIMD group would idle
  const cases: [number, number][] = [[64, 4096], [64, 14], [8, 1], [8, 5], [8, 33], [65, 3], [65, 4096]]; // [K, rows]
  const sizes = cases.map(([K, rows]) => invocationWorkgroupSize(K, rows));
  expect(sizes).toEqual([64, 16, 4, 8, 64, 8, 8]);
});

test('short rows keep v in registers when every row of the dispatch spans at most 4 Philox blocks', () => {
  expect(fewBlocks(8, 0, 4096)).toBe(2);
  expect(fewBlocks(8, 3, 4096)).toBe(3); // (3 + 8 + 3) / 4
  expect(fewBlocks(1, 0, 1)).toBe(1);
  expect(fewBlocks(5, 0, 2)).toBe(2);
  expect(fewBlocks(12, 1, 100)).toBe(4);
  expect(fewBlocks(13, 3, 4)).toBe(4); // the longest rows that always fit
  expect(fewBlocks(14, 0, 4)).toBe(4); // leads 0 and 2 only
  expect(fewBlocks(14, 1, 1)).toBe(4); // one row of lead 1 ...
  expect(fewBlocks(14, 1, 2)).toBe(0); // ... but the next row's lead 3 makes 5 blocks: the loop
  expect(fewBlocks(64, 0, 1)).toBe(0);
  for (const kernel of ['gumbel-softmax-by-invocation.wgsl', 'gumbel-softmax-backward-by-invocation.wgsl']) {
    const wgsl = readFileSync(SHADERS + kernel, 'utf8');
    expect(wgsl).toContain(`if (FEW_BLOCKS > ${MAX_FEW_BLOCKS - 1}u) {`); // the kernel holds that many blocks ...
    expect(wgsl).not.toContain(`if (FEW_BLOCKS > ${MAX_FEW_BLOCKS}u) {`); // ... and no more
  }
  // Against every row's own count, for each first lead and dispatch size.
  for (const K of [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]) {
    for (let lead = 0; lead < 4; lead++) {
      for (const rows of [1, 2, 3, 4, 5, 70]) {
        let most = 0;
        for (let j = 0; j < rows; j++) most = Math.max(most, Math.floor((((lead + j * K) % 4) + K + 3) / 4));
        expect(fewBlocks(K, lead, rows)).toBe(most <= MAX_FEW_BLOCKS ? most : 0);
      }
    }
  }
});

test('long rows are split across workgroups only when too few rows fill a dispatch, and chunks cover every row', () => {
  expect(chooseRowSplit(4096, 4096)).toEqual({ chunks: 1, chunkBlocks: 0xffffffff });
  expect(chooseRowSplit(1024, 32768).chunks).toBe(1);
  expect(chooseRowSplit(64, 1000).chunks).toBe(1); // a chunk would give an invocation fewer than 4 blocks
  expect(chooseRowSplit(1, 64).chunks).toBe(1); // short rows: the by-invocation kernels
  expect(chooseRowSplit(132, 262144).chunks).toBe(1); // enough rows
  expect(chooseRowSplit(131, 262144).chunks).toBe(16);
  expect(chooseRowSplit(128, 131072).chunks).toBe(16);
  expect(chooseRowSplit(127, 262144).chunks).toBe(17);
  expect(chooseRowSplit(64, 262144).chunks).toBe(32);
  expect(chooseRowSplit(1, 65537).chunks).toBe(16);
  expect(chooseRowSplit(3, 2 ** 20).chunks).toBe(64);
  expect(chooseRowSplit(4, 20000).chunks).toBe(4); // test/browser/gumbel-softmax-extremes.spec.ts relies on it
  for (const [rows, K] of [[1, 4100], [7, 65537], [32, 262144], [3, 2 ** 20], [1000, 8192], [1, 2 ** 27]] as const) {
    const { chunks, chunkBlocks } = chooseRowSplit(rows, K);
    if (chunks === 1) continue;
    expect(rows * chunks).toBeLessThanOrEqual(2 * 2048);
    for (let lead = 0; lead < 4; lead++) {
      const blocks = Math.floor((lead + K + 3) / 4);
      expect(chunks * chunkBlocks).toBeGreaterThanOrEqual(blocks); // the last chunk reaches the row's end
      expect((chunks - 1) * chunkBlocks).toBeLessThan(blocks); // no chunk of the widest row is empty
    }
    expect(chunkBlocks).toBeGreaterThanOrEqual(4 * rowWorkgroupSize(K));
  }
});

test('rows whose blocks fit in the held registers keep v there, longer ones stash every block', () => {
  const wgsl = readFileSync(SHADERS + 'row-hold.wgsl', 'utf8');
  expect(wgsl).toContain(`const HELD_BLOCKS: u32 = ${HELD_BLOCKS}u;`); // the host's rule counts the shader's slots
  for (const K of [65, 257, 1000, 4093, 4096]) {
    expect(holdsRows(K, rowWorkgroupSize(K))).toBe(true);
    // All of a row's blocks but at most the one a lead adds: invocation 0 stashes it.
    expect(Math.ceil((K + 3) / 4) - HELD_BLOCKS * rowWorkgroupSize(K)).toBeLessThanOrEqual(1);
  }
  for (const K of [4097, 32768, 65537]) expect(holdsRows(K, rowWorkgroupSize(K))).toBe(false);
});

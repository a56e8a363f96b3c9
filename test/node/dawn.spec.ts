// The WebGPU backend in Node through Dawn (the `webgpu` package) on SwiftShader: options.gpu works,
// Node can import the built package, and tools/parity-fuzz.mjs runs.
import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { DAWN_SWIFTSHADER_ENV as env } from '../support/dawn-env.js';

test('WebGPU through Dawn in Node (options.gpu) gives the CPU backend words and Gumbel values, and wraps its buffers', () => {
  const script = new URL('../support/dawn-parity.mjs', import.meta.url).pathname;
  const out = JSON.parse(execFileSync(process.execPath, [script], { env, encoding: 'utf8', timeout: 120_000 }).trim().split('\n').pop()!);
  console.log(`Dawn adapter: ${JSON.stringify(out.adapter)}`);
  expect(out.backend).toBe('webgpu');
  expect(out.n).toBe(65537);
  expect(out.wordMismatches).toBe(0);
  expect(out.worstGumbelGap).toBeLessThan(8e-6); // each side within 4e-6 of float64
  expect(out.wrappedEqual).toBe(true); // tensorFromBuffer on a Dawn buffer: the same forward as uploaded data
  expect(out.outputBufferBytes).toBeGreaterThanOrEqual(9 * 70 * 4);
});

// Keeps tools/parity-fuzz.mjs (run on lent GPUs by tools/gpu-session.sh) working: each strategy's control is
// flagged and a few seconds of random cases are not. The browser tests are what check the kernels here.
test('tools/parity-fuzz.mjs runs every kernel strategy: controls flagged, random cases within tolerance', () => {
  const script = new URL('../../tools/parity-fuzz.mjs', import.meta.url).pathname;
  const stdout = execFileSync(process.execPath, [script, '--seconds=4', '--seed=3'], { env, encoding: 'utf8', timeout: 120_000 });
  const summary = JSON.parse(stdout.trim().split('\n').pop()!);
  expect(stdout).not.toContain('not run:');
  expect(summary.failures).toBe(0);
  expect(summary.perConfig.length).toBe(10);
  for (const [config, cases] of summary.perConfig) expect(cases, config).toBeGreaterThan(0);
  expect(summary.worstRatio).toBeLessThan(1);
});

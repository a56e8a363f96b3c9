// The WebGPU backend in Node through Dawn (the `webgpu` package) on SwiftShader: options.gpu works,
// and Node can import the built package.
import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';

test('WebGPU through Dawn in Node (options.gpu) gives the CPU backend words and Gumbel values', () => {
  const script = new URL('../support/dawn-parity.mjs', import.meta.url).pathname;
  // Dawn loads libvulkan.so.1 at start-up: Debian's Chromium ships one beside its SwiftShader ICD.
  const env = { ...process.env, LD_LIBRARY_PATH: '/usr/lib/chromium', VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' };
  const out = JSON.parse(execFileSync(process.execPath, [script], { env, encoding: 'utf8', timeout: 120_000 }).trim().split('\n').pop()!);
  console.log(`Dawn adapter: ${JSON.stringify(out.adapter)}`);
  expect(out.backend).toBe('webgpu');
  expect(out.n).toBe(65537);
  expect(out.wordMismatches).toBe(0);
  expect(out.worstGumbelGap).toBeLessThan(8e-6); // each side within 4e-6 of float64
});

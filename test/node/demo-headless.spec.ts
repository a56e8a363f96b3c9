// The README's first quick-start command, `npm run demo -- --headless` (node demo/run.mjs --headless): it
// serves the demo, drives it in headless Chromium on the WebGPU adapter, prints its results table, saves a
// screenshot and exits 0 only if the toy search recovered the architecture with no page errors.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { expect, test } from '@playwright/test';

test('npm run demo -- --headless runs the demo on WebGPU, prints its results and saves a screenshot', () => {
  test.setTimeout(120_000); // 8 s alone here
  const root = new URL('../../', import.meta.url).pathname;
  const screenshot = `${root}demo-results/demo.png`;
  rmSync(screenshot, { force: true });
  const out = execFileSync(process.execPath, ['demo/run.mjs', '--headless'], { cwd: root, encoding: 'utf8', timeout: 100_000 });
  const field = (name: string) => new RegExp(`^${name} +(.*)$`, 'm').exec(out)?.[1];
  expect(field('adapter'), out).toMatch(/\(WebGPU\)$/);
  expect(field('architecture recovered'), out).toMatch(/^yes \((\d+) of \1 edges\)$/);
  expect(field('console errors'), out).toBe('0');
  expect(Number(field('final loss')), out).toBeLessThan(0.1);
  expect(Number(field('playground samples per second')?.split(' ')[0]), out).toBeGreaterThan(0);
  const png = readFileSync(screenshot);
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a'); // the PNG signature
  expect(png.length).toBeGreaterThan(10_000);
});

// npm run bench: the benchmark in headless Chromium on the machine's WebGPU adapter.
// npm run bench -- --node: the same benchmark in Node through Dawn (the `webgpu` package), e.g. on a GPU machine.
// Results: bench/results/<date>-<adapter>.json, and a table printed last.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

const inNode = process.argv.includes('--node');
let result;
if (inNode) {
  const { create } = await import('webgpu');
  const { createGumbel } = await import('../dist/index.js');
  const { runBench } = await import('./bench-core.mjs');
  const rt = await createGumbel({ backend: 'webgpu', gpu: create([]) });
  const cpu = await createGumbel({ backend: 'cpu' });
  result = await runBench(rt, cpu, { log: (line) => console.log(line) });
  result.host = 'node (Dawn)';
  rt.destroy();
} else {
  execFileSync('bash', ['tools/ensure-chromium.sh'], { stdio: 'inherit' });
  const { createServer } = await import('vite');
  const { chromium } = await import('@playwright/test');
  const { chromiumLaunch } = await import('../tools/chromium.mjs');
  const server = await createServer({ server: { host: '127.0.0.1', port: 5176 } });
  await server.listen();
  const browser = await chromium.launch({ ...chromiumLaunch, headless: true });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => console.log(m.text()));
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(`${server.resolvedUrls.local[0]}bench/`);
    await page.waitForFunction(() => window.benchResult !== undefined, null, { timeout: 60_000 });
    result = await page.evaluate(() => window.benchResult);
    result.host = 'headless Chromium';
  } finally {
    await browser.close();
    await server.close();
  }
}

const a = result.adapter;
const adapter = `${a.vendor} ${a.architecture} ${a.description}`.trim();
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/${result.date.replace(/[:.]/g, '-')}-${(a.architecture || 'adapter').replace(/\W+/g, '_')}.json`;
writeFileSync(file, JSON.stringify(result, null, 2));
console.log(`\nadapter: ${adapter} (${result.host}); median of ${result.reps} after 2 warm-up runs; GPU work waited with onSubmittedWorkDone`);
console.log(`${'workload'.padEnd(12)} ${'variant'.padEnd(34)} ${'median ms'.padStart(10)} ${'x copy'.padStart(8)}`);
for (const r of result.rows) console.log(`${r.workload.padEnd(12)} ${r.variant.padEnd(34)} ${r.median.toFixed(2).padStart(10)} ${r.ratioToCopy.toFixed(1).padStart(8)}`);
console.log(`results: ${file}`);
process.exit(0);

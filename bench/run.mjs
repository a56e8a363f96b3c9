// npm run bench: the benchmark in headless Chromium on the machine's WebGPU adapter.
// npm run bench -- --node: the same benchmark in Node through Dawn (the `webgpu` package), e.g. on a GPU machine.
// Results: bench/results/<date>-<adapter>.json, and a table printed last.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

// --workloads=RxK,RxK (Node only) replaces the default list, e.g. to add R x K = 2^24 on a real GPU.
// --fresh-device (Node only): a new device (and runtimes, TF.js backend) for each workload.
// --no-timestamps (Node only): a device without timestamp queries (and with the default limits), for the
// timing adapters without them get: wall ms of a batch of submits waited for with onSubmittedWorkDone.
const inNode = process.argv.includes('--node');
const fresh = process.argv.includes('--fresh-device');
const noTimestamps = process.argv.includes('--no-timestamps');
const workloadArg = process.argv.find((a) => a.startsWith('--workloads='));
const workloads = workloadArg?.slice('--workloads='.length).split(',').map((w) => w.split('x').map(Number));
let result;
if (inNode) {
  const { create, globals } = await import('webgpu');
  const { createGumbel } = await import('../dist/index.js');
  const { benchSetup, runBench, WORKLOADS } = await import('./bench-core.mjs');
  const gpu = create(['disable-dawn-features=timestamp_quantization']); // microsecond timestamps, not 65 us steps
  // TF.js's WebGPU backend expects a browser: navigator.gpu and the GPU* globals.
  Object.assign(globalThis, globals);
  Object.defineProperty(globalThis, 'navigator', { value: { ...globalThis.navigator, gpu }, configurable: true });
  const tfImports = () => Promise.all([import('@tensorflow/tfjs-core'), import('@tensorflow/tfjs-backend-webgpu')]);
  const log = (line) => console.log(line);
  const device = async () => (noTimestamps ? (await gpu.requestAdapter()).requestDevice() : undefined);
  if (fresh) {
    for (const w of workloads ?? WORKLOADS) {
      const { rt, cpu, variants, tf } = await benchSetup(createGumbel, gpu, tfImports, await device());
      const part = await runBench(rt, cpu, { variants, tf, workloads: [w], log });
      result = result ? { ...result, rows: [...result.rows, ...part.rows] } : part;
      rt.destroy();
    }
  } else {
    const { rt, cpu, variants, tf } = await benchSetup(createGumbel, gpu, tfImports, await device());
    result = await runBench(rt, cpu, { variants, tf, workloads, log });
  }
  result.host = fresh ? 'node (Dawn), a new device per workload' : 'node (Dawn)';
} else {
  execFileSync('bash', ['tools/ensure-chromium.sh'], { stdio: 'inherit' });
  const { createServer } = await import('vite');
  const { chromium } = await import('@playwright/test');
  const { chromiumLaunch } = await import('../tools/chromium.mjs');
  const server = await createServer({ server: { host: '127.0.0.1', port: 5176 } });
  await server.listen();
  // Developer features: timestamp queries at full resolution instead of quantized.
  const browser = await chromium.launch({ ...chromiumLaunch, args: [...chromiumLaunch.args, '--enable-webgpu-developer-features'], headless: true });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => console.log(m.text()));
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(`${server.resolvedUrls.local[0]}bench/`);
    await page.waitForFunction(() => window.benchResult !== undefined, null, { timeout: 120_000 });
    result = await page.evaluate(() => window.benchResult);
    result.host = 'headless Chromium';
  } finally {
    await browser.close();
    await server.close();
  }
}

const a = result.adapter;
// Dawn on NVIDIA reports no architecture, only a device name (nvidia-h100-80gb-hbm3), so both are printed.
const adapter = [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' ');
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/${result.date.replace(/[:.]/g, '-')}-${(a.architecture || a.device || 'adapter').replace(/\W+/g, '_')}.json`;
writeFileSync(file, JSON.stringify(result, null, 2));
const timing = result.timestamps ? 'GPU ms from timestamp queries (sum of compute passes)' : 'no timestamp queries on this adapter';
console.log(`\nadapter: ${adapter} (${result.host}); median of ${result.reps} (${result.smallReps} up to 2^16 elements, ${result.tinyReps} up to 2^10) after 2 warm-up runs; wall ms waits with onSubmittedWorkDone or a readback; ${timing}; x copy compares GPU ms where there are timestamps`);
console.log(`${'workload'.padEnd(12)} ${'variant'.padEnd(54)} ${'wall ms'.padStart(9)} ${'GPU ms'.padStart(9)} ${'x copy'.padStart(7)}`);
const gpuMs = (r) => (r.gpu === null ? '' : r.gpu.toFixed(3));
for (const r of result.rows) console.log(`${r.workload.padEnd(12)} ${r.variant.padEnd(54)} ${r.median.toPrecision(3).padStart(9)} ${gpuMs(r).padStart(9)} ${r.ratioToCopy.toFixed(2).padStart(7)}`);
console.log(`results: ${file}`);
process.exit(0);

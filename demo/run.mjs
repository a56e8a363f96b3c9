// npm run demo: serves the demo and prints its URL.
// npm run demo -- --headless: opens it in headless Chromium on the machine's WebGPU adapter, runs the
// playground and the toy search to the end, prints a results table and saves a screenshot.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'vite';
import { chromiumLaunch } from '../tools/chromium.mjs';

const headless = process.argv.includes('--headless');
const server = await createServer({ server: { host: '127.0.0.1', port: 5175 } });
await server.listen();
const url = `${server.resolvedUrls.local[0]}demo/`;
if (!headless) {
  console.log(`gumbel-webgpu demo: ${url}  (Ctrl-C to stop)`);
} else {
  let code = 1;
  execFileSync('bash', ['tools/ensure-chromium.sh'], { stdio: 'inherit' });
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({ ...chromiumLaunch, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
    const errors = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
    const results = await page.evaluate(async () => {
      // Playground: sweep the tau slider, then time ten draws of 4096 samples (with readback).
      const slider = document.getElementById('tau');
      for (const v of [0, 250, 500, 750, 1000, 500]) {
        slider.value = String(v);
        slider.dispatchEvent(new Event('input'));
        await window.demo.redraw();
      }
      const times = [];
      for (let i = 0; i < 10; i++) {
        await window.demo.redraw();
        times.push(window.demo.playground.ms);
      }
      times.sort((a, b) => a - b);
      const result = await window.demo.train();
      return { backend: window.demo.backend(), adapter: window.demo.adapter(), samples: window.demo.playground.samples, drawMs: times[5], result };
    });
    mkdirSync('demo-results', { recursive: true });
    await page.screenshot({ path: 'demo-results/demo.png', fullPage: true });
    const r = results.result;
    const adapter = results.backend === 'webgpu' ? `${results.adapter.vendor} ${results.adapter.architecture} (WebGPU)` : 'CPU fallback';
    const rows = [
      ['adapter', adapter],
      ['playground samples per second', `${Math.round(results.samples / (results.drawMs / 1000))} (${results.samples} per draw, ${results.drawMs.toFixed(1)} ms with readback)`],
      ['search', `${r.steps} steps in ${(r.ms / 1000).toFixed(1)} s`],
      ['final loss', r.finalLoss.toFixed(4)],
      ['architecture recovered', `${r.recovered === r.best.length ? 'yes' : 'no'} (${r.recovered} of ${r.best.length} edges)`],
      ['console errors', String(errors.length)],
      ['screenshot', 'demo-results/demo.png'],
    ];
    const w = Math.max(...rows.map((x) => x[0].length));
    console.log(rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n'));
    code = r.recovered === r.best.length && errors.length === 0 ? 0 : 1;
  } finally {
    await browser.close();
    await server.close();
  }
  process.exit(code);
}

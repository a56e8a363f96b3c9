// The in-page demo in real headless Chromium: loads cleanly on the WebGPU adapter, its charts follow the
// controls, its frequencies match softmax(logits), and the toy search recovers the best operations.
import { test as base, expect, type Page } from '@playwright/test';

const CHI2_CRITICAL_9DF = 27.88; // chi-square upper 0.1% point, 9 degrees of freedom (K up to 10)

/** The demo page, loaded and ready; console errors, page errors and failed requests fail the test. */
const test = base.extend<{ demo: Page }>({
  demo: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    await page.goto('/demo/');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
    await use(page);
    expect(problems).toEqual([]);
  },
});

/** Checks that a chart has one legend swatch per series, each in its own colour, the colours of its bars or
 * lines, as rendered. */
async function expectLegendColours(page: Page, chart: string, series: number): Promise<void> {
  const { swatches, marks } = await page.evaluate((id) => {
    const svg = document.getElementById(id)!;
    const colour = (e: Element) => (e.tagName === 'rect' ? getComputedStyle(e).fill : getComputedStyle(e).stroke);
    const swatches = [...svg.querySelectorAll('.swatch')].map(colour);
    const marks = [...new Set([...svg.querySelectorAll('rect:not(.swatch), polyline')].map(colour))];
    return { swatches, marks };
  }, chart);
  expect(swatches, chart).toHaveLength(series);
  expect(new Set(swatches).size, chart).toBe(series);
  expect([...swatches].sort(), chart).toEqual([...marks].sort());
}

/** The playground's state as the page holds it (meanY copied out of its typed array). */
const playgroundState = (page: Page) => page.evaluate(() => ({ ...window.demo.playground, meanY: [...window.demo.playground.meanY] }));

const chiSquare = (freqs: number[], probs: number[], n: number) => freqs.reduce((a, f, i) => a + (n * (f - probs[i]!)) ** 2 / (n * probs[i]!), 0);

test('the page loads without errors and the badge names the WebGPU adapter', async ({ demo: page }) => {
  await expect(page.locator('#badge')).toHaveText(/^WebGPU: google swiftshader/);
  expect((await page.evaluate(() => window.demo.backends)).sort()).toEqual(['cpu', 'webgpu']);
  await page.locator('#playground').screenshot({ path: test.info().outputPath('playground.png') });
});

test('the tau slider and the hard switch change the charts; frequencies match softmax(logits)', async ({ demo: page }) => {
  const panel = page.locator('#playground');
  const before = await playgroundState(page);
  const n = before.samples;
  expect(n).toBe(4096);
  expect(chiSquare(before.freqs, before.probs, n)).toBeLessThan(CHI2_CRITICAL_9DF);

  // Each legend entry shows its series' colour: two series of bars, then one.
  await expectLegendColours(page, 'freq-chart', 2);
  await expectLegendColours(page, 'mean-chart', 1);

  const chart = await page.locator('#mean-chart').innerHTML();
  await page.locator('#tau').fill('0'); // tau = 0.05: soft samples nearly one-hot
  await page.evaluate(() => window.demo.redraw());
  await expect(panel).toHaveAttribute('data-tau', String(0.05));
  const cold = await playgroundState(page);
  expect(await page.locator('#mean-chart').innerHTML()).not.toEqual(chart);
  // At low tau the mean of y approaches the index frequencies; at tau = 10 it flattens towards 1/K.
  cold.meanY.forEach((m, i) => expect(Math.abs(m - cold.freqs[i]!)).toBeLessThan(0.02));
  await page.locator('#tau').fill('1000');
  await page.evaluate(() => window.demo.redraw());
  const hot = await playgroundState(page);
  hot.meanY.forEach((m) => expect(Math.abs(m - 1 / hot.K)).toBeLessThan(0.1));

  await page.locator('#hard').check();
  await page.evaluate(() => window.demo.redraw());
  await expect(panel).toHaveAttribute('data-hard', 'true');
  const hard = await playgroundState(page);
  hard.meanY.forEach((m, i) => expect(m).toBeCloseTo(hard.freqs[i]!, 6)); // one-hot samples: mean y is the frequency

  // K = 3 shows the probability triangle with one point per drawn sample (up to 1500).
  await page.locator('#k').fill('3');
  await page.locator('#k').dispatchEvent('change');
  await page.evaluate(() => window.demo.redraw());
  await expect(page.locator('#simplex circle')).toHaveCount(1500);
  await expect(page.locator('#simplex-caption')).toHaveText(/^hard samples/); // the hard switch is on
  const k3 = await playgroundState(page);
  expect(k3.K).toBe(3);
  expect(chiSquare(k3.freqs, k3.probs, n)).toBeLessThan(CHI2_CRITICAL_9DF);

  await page.locator('#replay').click();
  await expect(panel).toHaveAttribute('data-replay', 'true');
  await panel.screenshot({ path: test.info().outputPath('playground-k3-hard.png') });
  await page.locator('#hard').uncheck();
  await page.evaluate(() => window.demo.redraw());
  await expect(page.locator('#simplex-caption')).toHaveText(/^soft samples/);
});

test("values typed past the inputs' bounds are clamped and shown, and the page keeps drawing", async ({ demo: page }) => {
  const typeInto = async (id: string, value: string) => {
    await page.locator(id).fill(value);
    await page.locator(id).dispatchEvent('change');
    await page.evaluate(() => window.demo.redraw());
  };
  await typeInto('#seed', '1e300'); // the package refuses a number seed above 2^53
  await expect(page.locator('#seed')).toHaveValue(String(Number.MAX_SAFE_INTEGER));
  await typeInto('#logit-0', '1e39'); // +inf in f32: the row would be invalid
  await expect(page.locator('#logit-0')).toHaveValue('1000');
  await typeInto('#k', '50');
  await expect(page.locator('#k')).toHaveValue('10');
  const state = await playgroundState(page);
  expect(state.seed).toBe(Number.MAX_SAFE_INTEGER);
  expect(state.K).toBe(10);
  expect(state.freqs[0]).toBe(1); // logit 0 is 1000, the others at most 1.5: always the index
  expect(state.meanY[0]).toBeCloseTo(1, 6);
  await page.locator('#steps').fill('1e9'); // read when training starts
  await page.evaluate(() => window.demo.train({ steps: 20 }));
  await expect(page.locator('#steps')).toHaveValue('2000');
});

for (const backend of ['webgpu', 'cpu'] as const) {
  test(`the toy search recovers the best operation on every edge at the defaults (${backend})`, async ({ demo: page }) => {
    test.setTimeout(240_000);
    const r = await page.evaluate(async (backend) => {
      await window.demo.setBackend(backend);
      return window.demo.train();
    }, backend);
    expect(r.recovered).toBe(14);
    expect(r.derived).toEqual(r.best);
    expect(r.finalLoss).toBeLessThan(0.05);
    await expectLegendColours(page, 'curves', 2); // loss and tau
    await expect(page.locator('#badge')).toHaveText(backend === 'webgpu' ? /^WebGPU/ : 'CPU fallback');
    await expect(page.locator('#search')).toHaveAttribute('data-recovered', '14');
    await page.locator('#search').screenshot({ path: test.info().outputPath(`search-${backend}.png`) });
  });
}

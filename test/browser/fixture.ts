// Browser tests run on test/harness.html with a fresh WebGPU runtime (window.rt) and a CPU runtime
// (window.cpu). A missing adapter fails the test; so does any WebGPU validation error, console error
// or page error the test caused.
import { test as base, expect, type Page } from '@playwright/test';

let adapterLogged = false;

export const test = base.extend<{ gpuPage: Page }>({
  gpuPage: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto('/test/harness.html');
    await page.waitForFunction(() => window.harness !== undefined);
    const info = await page.evaluate(async () => {
      const { createGumbel } = window.harness.lib;
      window.rt = await createGumbel({ backend: 'webgpu' }); // rejects, failing the test, when there is no adapter
      window.cpu = await createGumbel({ backend: 'cpu' });
      window.rt.device!.pushErrorScope('validation');
      return window.rt.adapterInfo;
    });
    if (!adapterLogged) {
      console.log(`WebGPU adapter: ${JSON.stringify(info)}`);
      adapterLogged = true;
    }
    await use(page);
    const validation = await page.evaluate(async () => {
      const error = await window.rt.device!.popErrorScope().catch((e: Error) => e);
      window.rt.destroy();
      return error ? error.message : null;
    });
    expect(validation, 'WebGPU validation errors').toBeNull();
    expect(problems).toEqual([]);
  },
});

export { expect };

import { defineConfig } from '@playwright/test';
import { chromiumLaunch } from './tools/chromium.mjs';

const PORT = 5174;


export default defineConfig({
  testDir: 'test',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  projects: [
    // The CPU backend in Node: no browser.
    { name: 'node', testMatch: 'node/**/*.spec.ts' },
    // The WebGPU backend (and the CPU backend beside it) in headless Chromium on a localhost page.
    {
      name: 'chromium-webgpu',
      testMatch: 'browser/**/*.spec.ts',
      use: { browserName: 'chromium', baseURL: `http://127.0.0.1:${PORT}`, launchOptions: chromiumLaunch },
    },
  ],
  webServer: {
    command: `npx vite --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}/test/harness.html`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});

// How the tests and the headless demo launch Debian's Chromium with WebGPU (../shared/WEBGPU-HERE.md):
// SwiftShader's WebGPU adapter needs only --enable-unsafe-webgpu; the rest keeps a closed network quiet.
export const chromiumLaunch = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-quic', '--no-first-run'],
};

import { basename, dirname } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { loadKernel } from './tools/wgsl-kernel.js';

/** `import kernel from './shaders/NAME.wgsl'`: composes the includes and inlines the reflected KernelSpec. */
function wgslKernels(): Plugin {
  return {
    name: 'wgsl-kernels',
    load(id) {
      if (!id.endsWith('.wgsl')) return null;
      const spec = loadKernel(dirname(id), basename(id, '.wgsl'));
      // Rebuild when an included piece changes, not only the kernel file (each piece's header names its file first).
      for (const line of spec.code.matchAll(/^\/\/ ---- (\S+)/gm)) this.addWatchFile(`${dirname(id)}/${line[1]}`);
      return `export default ${JSON.stringify(spec)};`;
    },
  };
}

export default defineConfig(({ mode }) => ({
  plugins: [wgslKernels()],
  base: mode === 'demo' ? './' : '/', // the static demo works from any folder
  server: { host: '127.0.0.1' },
  build:
    mode === 'demo'
      ? { outDir: 'demo-dist', target: 'es2022', rollupOptions: { input: 'demo/index.html' } }
      : {
          // The package: one self-contained ES module, WGSL inlined, importable by a page or by Node.
          outDir: 'dist',
          target: 'es2022',
          minify: false,
          sourcemap: true,
          lib: { entry: 'src/index.ts', formats: ['es'], fileName: 'index' },
        },
}));

import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { loadKernel, variantDelta } from './tools/wgsl-kernel.js';

/**
 * `import kernel from './shaders/NAME.wgsl'`: composes the includes and inlines the reflected KernelSpec.
 * `NAME.wgsl?VARIANT` (tools/wgsl-kernel.ts): the variant, derived at load from NAME.wgsl's spec and the pieces
 * that differ, so that the bundle holds the shared pieces once per kernel, not twice.
 */
function wgslKernels(): Plugin {
  return {
    name: 'wgsl-kernels',
    load(id) {
      const [file, variant] = id.split('?') as [string, string | undefined];
      if (!file.endsWith('.wgsl')) return null;
      const [dir, name] = [dirname(file), basename(file, '.wgsl')];
      const spec = loadKernel(dir, name, variant);
      // Rebuild when an included piece changes, not only the kernel file (each piece's header names its file first).
      for (const line of spec.code.matchAll(/^\/\/ ---- (\S+)/gm)) this.addWatchFile(`${dir}/${line[1]}`);
      if (variant === undefined) return `export default ${JSON.stringify(spec)};`;
      return [
        `import base from ${JSON.stringify(file)};`,
        `import { kernelVariant } from ${JSON.stringify(fileURLToPath(new URL('src/gpu/kernels.ts', import.meta.url)))};`,
        `export default kernelVariant(base, ${JSON.stringify(variantDelta(dir, name, variant))});`,
      ].join('\n');
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

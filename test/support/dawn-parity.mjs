// Run by test/node/dawn.spec.ts in a child process (the Vulkan loader path must be set before start):
// the WebGPU backend through Dawn in Node (options.gpu), compared with the CPU backend. Prints JSON.
import { create } from 'webgpu';
import { createGumbel } from '../../dist/index.js';

// create([]) inline on purpose: the runtime must keep the GPU object alive (Dawn crashes if it is collected).
const rt = await createGumbel({ backend: 'webgpu', gpu: create([]) });
const cpu = await createGumbel({ backend: 'cpu' });
const rng = { seed: 2n ** 60n + 5n, stream: 3, offset: 7 };
const n = 65537;
const gpuWords = await (await rt.randomBits([n], rng)).read();
const cpuWords = await (await cpu.randomBits([n], rng)).read();
const gpuGumbel = await (await rt.gumbel([n], rng)).read();
const cpuGumbel = await (await cpu.gumbel([n], rng)).read();
let wordMismatches = 0;
let worstGumbelGap = 0;
for (let i = 0; i < n; i++) {
  if (gpuWords[i] !== cpuWords[i]) wordMismatches++;
  worstGumbelGap = Math.max(worstGumbelGap, Math.abs(gpuGumbel[i] - cpuGumbel[i]) / Math.max(1, Math.abs(cpuGumbel[i])));
}
console.log(JSON.stringify({ backend: rt.backend, adapter: rt.adapterInfo, n, wordMismatches, worstGumbelGap }));
rt.destroy();

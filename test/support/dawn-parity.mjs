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
// tensorFromBuffer on a buffer Dawn made (its members, not a GPUBuffer global, identify it in Node): the
// forward over it equals the forward over the same data uploaded, and bufferOf gives the output's buffer.
const [R, K] = [9, 70];
const logitsData = Float32Array.from({ length: R * K }, (_, i) => Math.sin(i * 0.7) * 3);
const buffer = rt.device.createBuffer({ size: R * K * 4, usage: 0x80 | 0x8 | 0x4 }); // STORAGE | COPY_DST | COPY_SRC
rt.device.queue.writeBuffer(buffer, 0, logitsData);
const opts = { tau: 0.5, seed: 4, outputs: ['y', 'index'] };
const wrapped = await rt.gumbelSoftmax(rt.tensorFromBuffer(buffer, [R, K]), opts);
const uploaded = await rt.gumbelSoftmax(rt.tensor(logitsData, [R, K]), opts);
const [wy, uy] = [await wrapped.y.read(), await uploaded.y.read()];
const [wi, ui] = [await wrapped.index.read(), await uploaded.index.read()];
const wrappedEqual = wy.every((v, i) => Object.is(v, uy[i])) && wi.every((v, i) => v === ui[i]);
const outputBufferBytes = rt.bufferOf(wrapped.y).size;
buffer.destroy();
console.log(JSON.stringify({ backend: rt.backend, adapter: rt.adapterInfo, n, wordMismatches, worstGumbelGap, wrappedEqual, outputBufferBytes }));
rt.destroy();

// node bench/state-probe.mjs: a probe for the slow state seen on an NVIDIA H100 (README, "Performance"). After
// a forward over more rows than before (300 or 512 rows of 32768 after 256), every later forward on that device
// ran about 5x slower. Each scenario below runs on a new device and prints the GPU ms (timestamp queries) of 6
// repetitions of the index-only forward (pass 1 of the kernel) at each step.
import { create } from 'webgpu';
import { createGumbel } from '../dist/index.js';
import { makeGpuTimer } from './bench-core.mjs';

const gpu = create(['disable-dawn-features=timestamp_quantization']);
const K = 32768;

async function forwardMs(rt, timer, rows) {
  const logits = rt.tensor(Float32Array.from({ length: rows * K }, (_, i) => Math.sin(i * 0.618) * 3), [rows, K]);
  const ms = [];
  for (let i = 0; i < 6; i++) {
    timer.start();
    const { index } = await rt.gumbelSoftmax(logits, { tau: 0.7, seed: 1, offset: i * rows * K, outputs: ['index'] });
    await rt.device.queue.onSubmittedWorkDone();
    ms.push((await timer.stop()).toFixed(3));
    index.destroy();
  }
  logits.destroy();
  return `${rows} x ${K}: ${ms.join(' ')}`;
}

const scenarios = [
  ['rows 256, 264, 256, 300, 256', [256, 264, 256, 300, 256]],
  ['rows 256, 512, 256 (a later device)', [256, 512, 256]],
];
for (const [name, steps] of scenarios) {
  const rt = await createGumbel({ backend: 'webgpu', gpu });
  const timer = makeGpuTimer(rt.device);
  console.log(`${name}, ${rt.adapterInfo.description}:`);
  for (const rows of steps) console.log(`  ${await forwardMs(rt, timer, rows)}`);
  timer.restore();
  rt.destroy();
}
process.exit(0);

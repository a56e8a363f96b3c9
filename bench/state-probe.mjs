// node bench/state-probe.mjs: a probe for the slow state seen on an NVIDIA H100 (README, "Performance"). On the
// first device of a process, after a forward over more than about 35 MB of logits, every later forward on that
// device ran about 5x slower. Each scenario below runs on a new device and prints the GPU ms (timestamp
// queries) of 6 repetitions of the index-only forward (pass 1 of the kernel) at each step.
import { create, globals } from 'webgpu';
import { createGumbel } from '../dist/index.js';

Object.assign(globalThis, globals);
const gpu = create(['disable-dawn-features=timestamp_quantization']);
const K = 32768;

/** GPU ms of the compute passes encoded between start() and stop(), from timestamp queries. */
function passTimer(device) {
  const querySet = device.createQuerySet({ type: 'timestamp', count: 64 });
  const resolved = device.createBuffer({ size: 512, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const staging = device.createBuffer({ size: 512, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const proto = Object.getPrototypeOf(device.createCommandEncoder());
  const begin = proto.beginComputePass;
  let next = 0;
  proto.beginComputePass = function (descriptor = {}) {
    const timestampWrites = { querySet, beginningOfPassWriteIndex: next, endOfPassWriteIndex: next + 1 };
    next += 2;
    return begin.call(this, { ...descriptor, timestampWrites });
  };
  return {
    start: () => (next = 0),
    async stop() {
      const encoder = device.createCommandEncoder();
      encoder.resolveQuerySet(querySet, 0, next, resolved, 0);
      encoder.copyBufferToBuffer(resolved, 0, staging, 0, next * 8);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ, 0, next * 8);
      const t = new BigInt64Array(staging.getMappedRange(0, next * 8).slice(0));
      staging.unmap();
      let ns = 0n;
      for (let i = 0; i < next; i += 2) ns += t[i + 1] - t[i];
      return Number(ns) / 1e6;
    },
    restore: () => (proto.beginComputePass = begin),
  };
}

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
  const timer = passTimer(rt.device);
  console.log(`${name}, ${rt.adapterInfo.description}:`);
  for (const rows of steps) console.log(`  ${await forwardMs(rt, timer, rows)}`);
  timer.restore();
  rt.destroy();
}
process.exit(0);

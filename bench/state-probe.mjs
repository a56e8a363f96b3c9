// node bench/state-probe.mjs: a probe for the slow state seen on an NVIDIA H100 (README, "Performance"). After
// a forward over more rows than before (300 or 512 rows of 32768 after 256), every later forward on that device
// ran about 5x slower. Each scenario runs on a new device; each step prints the median GPU ms (timestamp queries)
// of 6 index-only forwards (pass 1 of the kernel) and of 6 copies of the same bytes (bench-core's), and, where
// nvidia-smi exists, the SM and memory clocks and performance state right after the step.
import { execFileSync } from 'node:child_process';
import { create } from 'webgpu';
import { createGumbel } from '../dist/index.js';
import { makeClockWarmer, makeCopy, makeGpuTimer } from './bench-core.mjs';

const gpu = create(['disable-dawn-features=timestamp_quantization']);
const K = 32768;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function clocks() {
  try {
    const q = 'clocks.sm,clocks.mem,pstate,power.draw,clocks_event_reasons.active';
    return execFileSync('nvidia-smi', [`--query-gpu=${q}`, '--format=csv,noheader'], { encoding: 'utf8' }).trim();
  } catch {
    return 'no nvidia-smi';
  }
}

async function gpuMs(timer, fn) {
  const ms = [];
  for (let i = 0; i < 6; i++) {
    timer.start();
    await fn(i);
    ms.push(await timer.stop());
  }
  return median(ms).toFixed(3);
}

async function step(rt, timer, logits) {
  const rows = logits.shape[0];
  const forward = await gpuMs(timer, async (i) => {
    const { index } = await rt.gumbelSoftmax(logits, { tau: 0.7, seed: 1, offset: i * rows * K, outputs: ['index'] });
    await rt.device.queue.onSubmittedWorkDone();
    index.destroy();
  });
  const copy = makeCopy(rt.device, rows * K * 4, rows * K * 4);
  const copyMs = await gpuMs(timer, copy.run);
  copy.destroy();
  console.log(`  ${rows} x ${K}: forward ${forward} ms, copy ${copyMs} ms | ${clocks()}`);
}

const tensor = (rt, rows) => rt.tensor(Float32Array.from({ length: rows * K }, (_, i) => Math.sin(i * 0.618) * 3), [rows, K]);

const scenarios = {
  'A: 256 (X), 300, X again, a new 256': async (rt, timer) => {
    const x = tensor(rt, 256);
    await step(rt, timer, x);
    await step(rt, timer, tensor(rt, 300));
    await step(rt, timer, x);
    await step(rt, timer, tensor(rt, 256));
  },
  'B: 256 (X), idle 3 s, X, idle 3 s, X': async (rt, timer) => {
    const x = tensor(rt, 256);
    await step(rt, timer, x);
    await sleep(3000);
    await step(rt, timer, x);
    await sleep(3000);
    await step(rt, timer, x);
  },
  'C: 300 first, then 256': async (rt, timer) => {
    await step(rt, timer, tensor(rt, 300));
    await step(rt, timer, tensor(rt, 256));
  },
};
// After 1.5 s idle: how long must the GPU be kept busy before a forward runs at full speed?
async function warmUps(rt, timer) {
  const busy = makeClockWarmer(rt.device, rt.adapterInfo);
  const x = tensor(rt, 256);
  const once = (i) => gpuMs1(timer, async () => {
    const { index } = await rt.gumbelSoftmax(x, { tau: 0.7, seed: 1, offset: i * 256 * K, outputs: ['index'] });
    await rt.device.queue.onSubmittedWorkDone();
    index.destroy();
  });
  await busy(0);
  for (const ms of [0, 2, 10, 50, 200, 1000]) {
    await sleep(1500);
    await busy(ms);
    console.log(`  idle 1.5 s, busy ${ms} ms: forward ${await once(0)} ms | ${clocks()}`);
  }
  for (const each of [2, 10]) {
    await sleep(1500);
    await busy(200);
    const ms = [];
    for (let i = 0; i < 10; i++) {
      await busy(each);
      ms.push(await once(i));
    }
    console.log(`  idle 1.5 s, busy 200 ms, then busy ${each} ms before each of 10: ${ms.join(' ')} | ${clocks()}`);
  }
}

async function gpuMs1(timer, fn) {
  timer.start();
  await fn();
  return (await timer.stop()).toFixed(3);
}
scenarios['D: keeping the clocks up'] = warmUps;

console.log(`before: ${clocks()}`);
// node bench/state-probe.mjs D: only the scenarios whose names start with D.
const only = process.argv[2] ?? '';
for (const [name, run] of Object.entries(scenarios).filter(([n]) => n.startsWith(only))) {
  const rt = await createGumbel({ backend: 'webgpu', gpu });
  const timer = makeGpuTimer(rt.device);
  console.log(`${name}, ${rt.adapterInfo.description}:`);
  await run(rt, timer);
  timer.restore();
  rt.destroy();
}
process.exit(0);

// A/B of two or more builds of the package through Dawn in Node: on SwiftShader by CPU time, for kernel
// changes too small for wall time on this machine (two runs of one build differed by 4-11% there); on a GPU
// by timestamp queries.
//   LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json \
//   node tools/ab-builds.mjs DIST_A DIST_B [...]   (each a copy of dist/ built from one version)
//   env: OPS=ls,soft,hard,bwd,gumbel,bits,uniform  SHAPE=RxK  OFFSET=stream offset  REPS=repetitions (default 21)
//        OPTIONS=JSON of CreateOptions for every build, e.g. '{"philoxFloatProducts":false}'
// Each repetition runs every build once, in rotating order. Reported per build: wall ms and the on-CPU time of
// SwiftShader's worker threads (named Thread<NN>; /proc schedstat), medians and minimums, each as the median of
// per-repetition ratios to the first build (pairs close in time); the CPU time leaves out time spent waiting
// for a core, and two copies of one build measured within 1% by it. Outputs are compared bit for bit with the
// first build's ("differing"). On a GPU (an adapter other than SwiftShader) every build shares one device and
// each repetition reports the GPU ms of its compute passes instead of CPU time, after a spin that keeps the
// clocks up, as `npm run bench` does (bench/bench-core.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { create, globals } from 'webgpu';
import { makeClockWarmer, makeGpuTimer, median } from '../bench/bench-core.mjs';

const dists = process.argv.slice(2).map((d) => path.resolve(d));
if (dists.length < 2) throw new Error('usage: node tools/ab-builds.mjs DIST_A DIST_B [...]');
Object.assign(globalThis, globals);
const gpu = create(['disable-dawn-features=timestamp_quantization']); // microsecond timestamps
const rts = [];
const options = JSON.parse(process.env.OPTIONS ?? '{}');
let onGpu = false;
for (const d of dists) {
  const { createGumbel } = await import(path.join(d, 'index.js'));
  rts.push(await createGumbel({ ...options, backend: 'webgpu', gpu, device: onGpu ? rts[0].device : undefined }));
  onGpu = rts[0].adapterInfo.architecture !== 'swiftshader';
}
const timer = onGpu ? makeGpuTimer(rts[0].device) : null;
const busy = makeClockWarmer(rts[0].device, rts[0].adapterInfo); // does nothing on SwiftShader
const reps = Number(process.env.REPS ?? 21);
const [R, K] = (process.env.SHAPE ?? '256x4096').split('x').map(Number);
const n = R * K;
const base = { tau: 0.7, seed: 7, offset: Number(process.env.OFFSET ?? 0) };
const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.618) * 3);
const logits = rts.map((rt) => rt.tensor(data, [R, K]));
const ops = {
  bits: (rt) => rt.randomBits([n], { seed: base.seed, offset: base.offset }),
  uniform: (rt) => rt.uniform([n], { seed: base.seed, offset: base.offset }),
  gumbel: (rt) => rt.gumbel([n], { seed: base.seed, offset: base.offset }),
  soft: (rt, i) => rt.gumbelSoftmax(logits[i], { ...base, outputs: ['y'] }).then((o) => o.y),
  hard: (rt, i) => rt.gumbelSoftmax(logits[i], { ...base, hard: true, outputs: ['y'] }).then((o) => o.y),
  ls: (rt, i) => rt.gumbelSoftmax(logits[i], { ...base, outputs: ['logSoftmax'] }).then((o) => o.logSoftmax),
  bwd: (rt, i) => rt.gumbelSoftmaxBackward({ ...base, logits: logits[i], dy: logits[i] }),
};

function workerCpuMs() {
  let ns = 0;
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      if (fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').startsWith('Thread<')) {
        ns += Number(fs.readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      }
    } catch {} // a thread that ended meanwhile
  }
  return ns / 1e6;
}

for (const name of (process.env.OPS ?? 'ls,soft,hard,bwd').split(',')) {
  const op = ops[name];
  if (!op) throw new Error(`unknown op ${name}: one of ${Object.keys(ops)}`);
  const outs = [];
  for (let i = 0; i < rts.length; i++) {
    const t = await op(rts[i], i);
    outs.push(await t.read());
    t.destroy();
  }
  const same = (a, b) => a === b || (Number.isNaN(a) && Number.isNaN(b));
  const differing = outs.map((o) => o.reduce((c, x, j) => c + (same(x, outs[0][j]) ? 0 : 1), 0));
  const wall = rts.map(() => []);
  const work = rts.map(() => []); // GPU ms on a GPU, else SwiftShader's worker CPU ms
  await busy(300);
  for (let r = 0; r < reps; r++) {
    for (let j = 0; j < rts.length; j++) {
      const i = (j + r) % rts.length;
      await busy(20);
      timer?.start();
      const c0 = workerCpuMs();
      const t0 = performance.now();
      const t = await op(rts[i], i);
      await rts[i].device.queue.onSubmittedWorkDone();
      wall[i].push(performance.now() - t0);
      work[i].push(timer ? await timer.stop() : workerCpuMs() - c0);
      t.destroy();
    }
  }
  const describe = (xs, i) => {
    const ratio = i ? `, ratio ${median(xs[i].map((x, r) => x / xs[0][r])).toFixed(3)}` : '';
    return `${median(xs[i]).toPrecision(3)} (min ${Math.min(...xs[i]).toPrecision(3)})${ratio}`;
  };
  console.log(`${name} ${R} x ${K}, offset ${base.offset}, ${reps} repetitions`);
  for (let i = 0; i < rts.length; i++) {
    console.log(`  ${dists[i]}: wall ms ${describe(wall, i)}; ${timer ? 'GPU' : 'worker CPU'} ms ${describe(work, i)}; differing ${differing[i]} of ${n}`);
  }
}
process.exit(0);

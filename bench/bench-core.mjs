// The benchmark itself, plain JavaScript so the same file runs in a page (bench/index.html) and in Node
// through Dawn (bench/run.mjs --node). Every figure is measured in one run on one adapter, against a copy
// kernel that moves the same bytes (the memory floor), and reported as a ratio to it.

export const WORKLOADS = [
  [14, 8],
  [4096, 8],
  [1024, 1024],
  [256, 32768],
  [32, 262144],
];

const TAU = 0.7;

// Every destination element is written once from READS source elements (the source holds READS times the
// destination: 2 for the backward's floor, which reads logits and dy and writes dLogits).
const COPY_WGSL = `
override READS: u32 = 1u;
@group(0) @binding(0) var<storage, read> src: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4f>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i < arrayLength(&dst)) {
    var acc = src[i];
    for (var r = 1u; r < READS; r++) {
      acc += src[i + r * arrayLength(&dst)];
    }
    dst[i] = acc;
  }
}`;

// The unfused baseline's second kernel: softmax((logits + noise) / tau) per row, reading the stored noise and
// the logits three times (max, sum, write), as TF.js and ORT softmax do: one workgroup per row (main), or for
// rows of at most 64 one invocation per row (main_short), so short rows are not a strawman.
const SOFTMAX_WGSL = `
struct P { rows: u32, k: u32, tau: f32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> noise: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
var<workgroup> red: array<f32, 256>;
fn z(i: u32) -> f32 { return (logits[i] + noise[i]) / p.tau; }
@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let row = wid.x + wid.y * groups.x;
  if (row >= p.rows) { return; }
  let base = row * p.k;
  var m = -3.4e38;
  for (var k = li; k < p.k; k += 256u) { m = max(m, z(base + k)); }
  red[li] = m;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) { if (li < s) { red[li] = max(red[li], red[li + s]); } workgroupBarrier(); }
  let mx = red[0];
  workgroupBarrier();
  var sum = 0.0;
  for (var k = li; k < p.k; k += 256u) { sum += exp(z(base + k) - mx); }
  red[li] = sum;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) { if (li < s) { red[li] += red[li + s]; } workgroupBarrier(); }
  let total = red[0];
  for (var k = li; k < p.k; k += 256u) { y[base + k] = exp(z(base + k) - mx) / total; }
}
@compute @workgroup_size(64)
fn main_short(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let row = gid.x + gid.y * groups.x * 64u;
  if (row >= p.rows) { return; }
  let base = row * p.k;
  var m = -3.4e38;
  for (var k = 0u; k < p.k; k++) { m = max(m, z(base + k)); }
  var sum = 0.0;
  for (var k = 0u; k < p.k; k++) { sum += exp(z(base + k) - m); }
  for (var k = 0u; k < p.k; k++) { y[base + k] = exp(z(base + k) - m) / sum; }
}`;

const STORAGE = 0x80;
const COPY_DST = 0x08;
const COPY_SRC = 0x04;
const MAP_READ = 0x01;
const UNIFORM = 0x40;
const QUERY_RESOLVE = 0x200;

/**
 * GPU time from timestamp queries, where the device has them: while started, every compute pass encoded on
 * any command encoder (this package's, the baselines', TF.js's) gets a begin and end timestamp, by wrapping
 * GPUCommandEncoder.beginComputePass, so each implementation is timed without changing it. stop() returns the
 * summed pass durations in ms; restore() unwraps. null without the feature.
 */
export function makeGpuTimer(device) {
  if (!device.features.has('timestamp-query')) return null;
  const capacity = 4096;
  const querySet = device.createQuerySet({ type: 'timestamp', count: capacity });
  const resolved = device.createBuffer({ size: capacity * 8, usage: QUERY_RESOLVE | COPY_SRC });
  const staging = device.createBuffer({ size: capacity * 8, usage: MAP_READ | COPY_DST });
  const proto = Object.getPrototypeOf(device.createCommandEncoder());
  const begin = proto.beginComputePass;
  let next = 0;
  let active = false;
  proto.beginComputePass = function (descriptor = {}) {
    if (!active || descriptor.timestampWrites || next + 2 > capacity) return begin.call(this, descriptor);
    const timestampWrites = { querySet, beginningOfPassWriteIndex: next, endOfPassWriteIndex: next + 1 };
    next += 2;
    return begin.call(this, { ...descriptor, timestampWrites });
  };
  return {
    start() {
      next = 0;
      active = true;
    },
    async stop() {
      active = false;
      if (next === 0) return 0;
      const encoder = device.createCommandEncoder();
      encoder.resolveQuerySet(querySet, 0, next, resolved, 0);
      encoder.copyBufferToBuffer(resolved, 0, staging, 0, next * 8);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(MAP_READ, 0, next * 8);
      const t = new BigInt64Array(staging.getMappedRange(0, next * 8).slice(0));
      staging.unmap();
      let ns = 0n;
      for (let i = 0; i < next; i += 2) if (t[i + 1] > t[i]) ns += t[i + 1] - t[i];
      return Number(ns) / 1e6;
    },
    restore() {
      proto.beginComputePass = begin;
    },
  };
}

// Real GPUs lower their clocks when idle. On an NVIDIA H100 (nvidia-smi, bench/state-probe.mjs) the SM clock
// fell from 1980 to 345 MHz during pauses of ~0.1 s (building input data, readbacks, a sleep) and short timed
// runs did not bring it back: kernels ran 2-5x slower. So every timed repetition starts on a GPU that has just
// been kept busy: a throwaway integer loop, submitted and awaited until `ms` have passed.
const SPIN_WGSL = `
@group(0) @binding(0) var<uniform> iterations: u32;
@group(0) @binding(1) var<storage, read_write> sink: array<u32>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  var x = vec4u(gid.x, gid.x ^ 1u, gid.x ^ 2u, gid.x ^ 3u); // four independent chains keep the ALUs full
  for (var i = 0u; i < iterations; i++) { x = x * 1664525u + 1013904223u; }
  if (all(x == vec4u(0x9e3779b9u))) { sink[0] = x.x; } // keeps the loop from being optimized away
}`;

/**
 * Returns busy(ms): keeps the GPU running a spin kernel for `ms` of wall-clock time, untimed. On a software
 * adapter (SwiftShader) busy() does nothing: it has no clocks to keep up, and there one submit of the spin
 * (2^21 invocations) took about 70 ms, so busy(20) took 70 ms: 87-89% of the Node bench's time at 14 x 8 and
 * 64 x 128. And the tiny kernels timed after it ran about 2x slower than without it (README, Running it).
 */
export function makeClockWarmer(device, adapterInfo) {
  if (adapterInfo.architecture === 'swiftshader') return async () => {};
  const module = device.createShaderModule({ label: 'bench clock warmer', code: SPIN_WGSL });
  const pipeline = device.createComputePipeline({ label: 'bench clock warmer', layout: 'auto', compute: { module, entryPoint: 'main' } });
  const iterations = device.createBuffer({ size: 16, usage: UNIFORM | COPY_DST });
  const sink = device.createBuffer({ size: 16, usage: STORAGE });
  const group = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [iterations, sink].map((buffer, binding) => ({ binding, resource: { buffer } })) });
  const spin = async (n) => {
    device.queue.writeBuffer(iterations, 0, new Uint32Array([n]));
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    for (let i = 0; i < 4; i++) pass.dispatchWorkgroups(2048);
    pass.end();
    const t0 = performance.now();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    return performance.now() - t0;
  };
  let n = 0;
  return async (ms) => {
    if (n === 0) {
      // Grow the loop until a submit's work takes about 2 ms beyond an empty submit's round trip, so the GPU
      // is busy most of the time rather than waiting on the round trips between submits.
      const roundTrip = Math.min(await spin(0), await spin(0), await spin(0));
      for (n = 1; (await spin(n)) - roundTrip < 2 && n < 2 ** 24; n *= 2);
    }
    const t0 = performance.now();
    do await spin(n); while (performance.now() - t0 < ms);
  };
}

/** The middle value (for an even count, the upper of the two middle ones). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** GPU time of the busy spell before a kernel's warm-ups, and before each timed repetition (ms of wall-clock). */
const WARM_START_MS = 300;
const WARM_REP_MS = 20;

/**
 * Times each of fns (which must wait for their GPU work) after two warm-ups each: wall-clock and, with a
 * timer, GPU ms. The functions take turns, repetition by repetition, in an order that alternates (A B, B A,
 * ...), so a slow stretch of the machine falls on all of them rather than on whichever ran then.
 * `gpu` ({ timer, busy }) times GPU work: timestamps where the adapter has them, clocks kept up by busy();
 * null for CPU work. Returns one result per function.
 */
export async function timeTurns(fns, reps, gpu) {
  await gpu?.busy(WARM_START_MS);
  for (let i = 0; i < 2; i++) for (const fn of fns) await fn(i);
  const wall = fns.map(() => []);
  const gpuMs = fns.map(() => []);
  const timer = gpu?.timer;
  for (let i = 0; i < reps; i++) {
    const order = fns.map((_, j) => j);
    if (i % 2 === 1) order.reverse();
    for (const j of order) {
      await gpu?.busy(WARM_REP_MS);
      timer?.start();
      const t0 = performance.now();
      await fns[j](i + 2);
      wall[j].push(performance.now() - t0);
      if (timer) gpuMs[j].push(await timer.stop());
    }
  }
  // gpuEach: every repetition's GPU ms, in order, for what the median hides (in Chromium on SwiftShader one
  // pass at 14 x 8 took from 0.07 ms to over 1 ms, for every kernel alike: scheduling more than work).
  return fns.map((_, j) => ({ median: median(wall[j]), min: Math.min(...wall[j]), max: Math.max(...wall[j]), gpu: timer ? median(gpuMs[j]) : null, gpuEach: timer ? gpuMs[j] : null, reps }));
}

/** A timeTurns result whose repetitions each ran `count` calls, as wall ms per call. */
const perCall = (t, count) => ({ ...t, median: t.median / count, min: t.min / count, max: t.max / count });

/**
 * Times pieces of CPU work per call, taking turns (timeTurns). Small workloads run enough calls per
 * repetition to cover 2^16 elements, so a repetition is long against the clock's resolution and the JIT has
 * warmed up.
 */
async function timeCpuTurns(fns, n, reps) {
  const calls = Math.max(1, Math.floor(2 ** 16 / n));
  const batch = (fn) => async (rep) => {
    for (let c = 0; c < calls; c++) await fn(rep * calls + c);
  };
  const ts = await timeTurns(fns.map(batch), reps, null);
  return ts.map((t) => ({ ...perCall(t, calls), callsPerRep: calls }));
}

/**
 * Submits one dispatch of `groups` workgroups over `buffers` (bindings 0, 1, ... of group 0), folded into 2-D
 * past 65535 as src/gpu/kernels.ts folds the package's: x * y covers groups with fewer than y extra.
 */
export function dispatchOnce(device, pipeline, buffers, groups) {
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })) }));
  const y = Math.ceil(groups / 65535);
  pass.dispatchWorkgroups(Math.ceil(groups / y), y);
  pass.end();
  device.queue.submit([encoder.finish()]);
}

/** A copy of `bytesOut` bytes reading `bytesIn`, as one dispatch: submit(), or run() to wait for it too. */
export function makeCopy(device, bytesIn, bytesOut) {
  const src = device.createBuffer({ label: 'bench copy src', size: Math.max(16, bytesIn), usage: STORAGE | COPY_DST });
  const dst = device.createBuffer({ label: 'bench copy dst', size: Math.max(16, bytesOut), usage: STORAGE | COPY_DST });
  const module = device.createShaderModule({ label: 'bench copy', code: COPY_WGSL });
  const reads = Math.max(1, Math.round(bytesIn / bytesOut));
  const pipeline = device.createComputePipeline({ label: 'bench copy', layout: 'auto', compute: { module, entryPoint: 'main', constants: { READS: reads } } });
  const submit = () => dispatchOnce(device, pipeline, [src, dst], Math.ceil(Math.max(16, bytesOut) / 16 / 256));
  return {
    submit,
    run: async () => {
      submit();
      await device.queue.onSubmittedWorkDone();
    },
    destroy: () => {
      src.destroy();
      dst.destroy();
    },
  };
}

/** Noise from this package's gumbel() kernel, stored, then SOFTMAX_WGSL over it: the unfused pipeline. */
function makeUnfused(rt, R, K, logits) {
  const device = rt.device;
  const module = device.createShaderModule({ label: 'bench unfused softmax', code: SOFTMAX_WGSL });
  const short = K <= 64;
  const entryPoint = short ? 'main_short' : 'main';
  const pipeline = device.createComputePipeline({ label: 'bench unfused softmax', layout: 'auto', compute: { module, entryPoint } });
  const params = device.createBuffer({ size: 16, usage: UNIFORM | COPY_DST });
  const pdata = new ArrayBuffer(16);
  new Uint32Array(pdata, 0, 2).set([R, K]);
  new Float32Array(pdata, 8, 1)[0] = TAU;
  device.queue.writeBuffer(params, 0, pdata);
  const y = device.createBuffer({ size: 4 * R * K, usage: STORAGE });
  return {
    // Submits both kernels; returns what frees the noise once they are done.
    submit: async (i) => {
      const noise = await rt.gumbel([R, K], { seed: 1, offset: i * R * K });
      dispatchOnce(device, pipeline, [params, logits.buffer, noise.buffer, y], short ? Math.ceil(R / 64) : R);
      return () => noise.destroy();
    },
    destroy: () => {
      params.destroy();
      y.destroy();
    },
  };
}

/** TF.js's chain on its WebGPU backend, on our device: uniform noise, -log(-log u), add, divide by tau, logSoftmax. */
async function makeTfjs(tf, R, K, data) {
  const logits = tf.tensor2d(data, [R, K]);
  return {
    run: async (i) => {
      const out = tf.tidy(() => {
        const u = tf.randomUniform([R, K], 2 ** -32, 1, 'float32', 1 + i); // TF.js draws these on the CPU
        const g = tf.neg(tf.log(tf.neg(tf.log(u))));
        return tf.logSoftmax(tf.div(tf.add(logits, g), TAU));
      });
      await out.data();
      out.dispose();
    },
    destroy: () => logits.dispose(),
  };
}

// Small workloads (at most 2^16 elements) take SMALL_REPS_FACTOR times the repetitions: their GPU times of a
// tenth of a millisecond moved by 2x between runs on SwiftShader with 10. Tiny ones (at most 2^10) take
// TINY_REPS_FACTOR times: there a pass is mostly SwiftShader's scheduling (one run at 14 x 8: every kernel's
// fastest repetition 0.06-0.08 ms, its slowest 0.39-1.94), and medians of 30 put the forward behind the
// unfused pipeline's two passes in one run of three.
const SMALL_REPS_FACTOR = 3;
const TINY_REPS_FACTOR = 10;
const repsFor = (n, reps) => (n <= 2 ** 10 ? TINY_REPS_FACTOR : n <= 2 ** 16 ? SMALL_REPS_FACTOR : 1) * reps;

const maxAbsDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/**
 * Runs every workload on a WebGPU runtime `rt` (and its CPU twin `cpu`); `log` receives progress lines.
 * `variants`: runtimes on the same device with other kernel choices ({ name, rt }), timed on the forward.
 * `tf`: TensorFlow.js with the WebGPU backend active on rt.device, or null to leave it out.
 * Returns { adapter, reps, smallReps, tinyReps, rows: [{ workload, variant, median, min, max, gpu, gpuEach, reps, ratioToCopy, check? }] }.
 */
export async function runBench(rt, cpu, { reps = 10, log = () => {}, workloads = WORKLOADS, variants = [], tf = null } = {}) {
  const device = rt.device;
  const timer = makeGpuTimer(device);
  const gpu = { timer, busy: makeClockWarmer(device, rt.adapterInfo) };
  const rows = [];
  for (const [R, K] of workloads) {
    const n = R * K;
    const wreps = repsFor(n, reps);
    const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.618) * 3);
    const dyData = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.31));
    const logits = rt.tensor(data, [R, K]);
    const dy = rt.tensor(dyData, [R, K]);
    const workload = `${R} x ${K}`;
    // Ratios to the copy kernel compare GPU times where both have them (timestamps, and not below their
    // resolution), else wall times.
    const ratio = (t, copy) => (t.gpu > 0 && copy.gpu > 0 ? t.gpu / copy.gpu : t.median / copy.median);
    const add = (variant, t, copy, extra = {}) => {
      const row = { workload, variant, ...t, ratioToCopy: copy ? ratio(t, copy) : 1, ...extra };
      rows.push(row);
      const gpu = t.gpu === null ? '' : `, GPU ${t.gpu.toFixed(3)} ms`;
      log(`${workload.padEnd(12)} ${variant.padEnd(40)} ${t.median.toPrecision(3).padStart(9)} ms (${t.min.toPrecision(3)} to ${t.max.toPrecision(3)})${gpu}`);
      return row;
    };
    // Correctness on this adapter before timing: the GPU's y and dLogits against the CPU fallback's.
    let check = {};
    // The CPU fallback's copy of the logits, up to 2^23 elements: every default workload, not the 2^24 ones a
    // GPU run adds (there a CPU repetition takes over a second, and the GPU idles through it).
    const cl = n <= 1 << 23 ? cpu.tensor(data, [R, K]) : null;
    if (cl) {
      const cdy = cpu.tensor(dyData, [R, K]);
      const [g, c] = [await rt.gumbelSoftmax(logits, { tau: TAU, seed: 1 }), await cpu.gumbelSoftmax(cl, { tau: TAU, seed: 1 })];
      const [gd, cd] = [await rt.gumbelSoftmaxBackward({ logits, tau: TAU, seed: 1, dy }), await cpu.gumbelSoftmaxBackward({ logits: cl, tau: TAU, seed: 1, dy: cdy })];
      check = { maxAbsDiffY: maxAbsDiff(await g.y.read(), await c.y.read()), maxAbsDiffDLogits: maxAbsDiff(await gd.read(), await cd.read()) };
      log(`${workload.padEnd(12)} GPU vs CPU fallback: max |dy| ${check.maxAbsDiffY.toExponential(2)}, max |dLogits| ${check.maxAbsDiffDLogits.toExponential(2)}`);
      for (const t of [g.y, g.index, c.y, c.index, gd, cd, cdy]) t.destroy();
    }

    // The kernels take turns (timeTurns), so every ratio compares runs from the same stretch of the machine.
    // Floors: a copy reading the logits and writing one output of the same size; for the backward, reading
    // logits and dy and writing dLogits.
    const copy = makeCopy(device, 4 * n, 4 * n);
    const copy3 = makeCopy(device, 8 * n, 4 * n);
    // Each kernel row submits its work and returns what frees its outputs. With timestamps a repetition is one
    // submit, waited for. Without, it is `batch` submits waited for once (onSubmittedWorkDone around a batch of
    // submits: one submit's wall time would be mostly the round trip), enough to cover 2^16 elements and at
    // most 16, and its wall ms are divided by batch; but the training step, timed end to end, is one.
    const batch = timer ? 1 : Math.min(16, Math.ceil(2 ** 16 / n));
    const waited = (submit, b) => async (i) => {
      const frees = [];
      for (let j = 0; j < b; j++) frees.push(await submit(i * b + j));
      await device.queue.onSubmittedWorkDone();
      for (const free of frees) free?.();
    };
    const forward = (runtime, input, outputs, hard) => async (i) => {
      const o = await runtime.gumbelSoftmax(input, { tau: TAU, hard, seed: 1, offset: i * n, outputs });
      return () => Object.values(o).forEach((t) => t.destroy());
    };
    const unfused = makeUnfused(rt, R, K, logits);
    const inputs = variants.map((v) => v.rt.tensor(data, [R, K]));
    // [row name, what it submits, its floor: 'copy' or 'copy3' for the backward's bytes, submits per repetition]
    const kernels = [
      ['copy kernel (memory floor)', () => copy.submit(), null],
      ['copy kernel, backward bytes', () => copy3.submit(), null],
      ['forward soft (y)', forward(rt, logits, ['y'], false), 'copy'],
      ['forward hard (y, index)', forward(rt, logits, ['y', 'index'], true), 'copy'],
      ['forward logSoftmax', forward(rt, logits, ['logSoftmax'], false), 'copy'],
      ...variants.map((v, j) => [`forward soft (y), ${v.name}`, forward(v.rt, inputs[j], ['y'], false), 'copy']),
      ['backward (dy)', async (i) => {
        const g = await rt.gumbelSoftmaxBackward({ logits, tau: TAU, seed: 1, offset: i * n, dy });
        return () => g.destroy();
      }, 'copy3'],
      ['unfused: noise kernel, then softmax', (i) => unfused.submit(i), 'copy'],
    ];
    if (R === 14 && K === 8) {
      // One straight-through training step: forward and backward in one submit, then one readback of the index.
      kernels.push(['training step: batch(forward + backward), read index', async (i) => {
        const step = await rt.batch(async () => {
          const o = await rt.gumbelSoftmax(logits, { tau: TAU, hard: true, seed: 1, offset: i * n, outputs: ['y', 'index'] });
          const d = await rt.gumbelSoftmaxBackward({ logits, tau: TAU, seed: 1, offset: i * n, dy });
          return { ...o, d };
        });
        await step.index.read();
        return () => Object.values(step).forEach((t) => t.destroy());
      }, 'copy', 1]);
    }
    const batches = kernels.map(([, , , b]) => b ?? batch);
    const kernelT = (await timeTurns(kernels.map(([, submit], j) => waited(submit, batches[j])), wreps, gpu)).map((t, j) => (batches[j] === 1 ? t : { ...perCall(t, batches[j]), submitsPerRep: batches[j] }));
    for (const x of [copy, copy3, unfused, ...inputs]) x.destroy();
    const [copyT, copy3T] = kernelT;
    const floors = { copy: copyT, copy3: copy3T };
    kernels.forEach(([name, , floor], j) => add(name, kernelT[j], floors[floor] ?? null, name === 'forward soft (y)' ? check : {}));

    // End to end, taking turns too: the forward, then its one output read back, into a fresh array or into
    // `into`; and TF.js's chain with its readback.
    const readback = (output, into) => async (i) => {
      const o = await rt.gumbelSoftmax(logits, { tau: TAU, seed: 1, offset: i * n, outputs: [output] });
      await o[output].read(into);
      o[output].destroy();
    };
    // read(into): a loop that reuses one array does not write fresh memory on every step (in Chromium here,
    // first writes to a new 32 MiB array took ~90 ms, likely page faults; the copy itself ~3 ms).
    const ends = [readback('y'), readback('logSoftmax'), readback('logSoftmax', new Float32Array(n))];
    const chain = tf ? await makeTfjs(tf, R, K, data) : null;
    const endsT = await timeTurns(chain ? [...ends, (i) => chain.run(i)] : ends, wreps, gpu);
    chain?.destroy();
    add('forward soft (y) + readback', endsT[0], copyT);
    add('forward logSoftmax + readback', endsT[1], copyT);
    add('forward logSoftmax + readback into a reused array', endsT[2], copyT);
    if (chain) add('TF.js chain (logSoftmax) + readback', endsT[3], copyT);
    if (cl) {
      const [fallback, loop] = await timeCpuTurns([async (i) => {
        const o = await cpu.gumbelSoftmax(cl, { tau: TAU, seed: 1, offset: i * n, outputs: ['y'] });
        o.y.destroy();
      }, async () => {
        const y = new Float32Array(n);
        for (let r = 0; r < R; r++) {
          let m = -Infinity;
          for (let k = 0; k < K; k++) {
            const v = (data[r * K + k] - Math.log(-Math.log(Math.random()))) / TAU;
            y[r * K + k] = v;
            if (v > m) m = v;
          }
          let s = 0;
          for (let k = 0; k < K; k++) s += y[r * K + k] = Math.exp(y[r * K + k] - m);
          for (let k = 0; k < K; k++) y[r * K + k] /= s;
        }
      }], n, wreps);
      cl.destroy();
      add('CPU fallback forward soft', fallback, copyT);
      add('plain JS loop, Math.random', loop, copyT);
    }
    logits.destroy();
    dy.destroy();
  }
  timer?.restore();
  return { adapter: rt.adapterInfo, date: new Date().toISOString(), reps, smallReps: SMALL_REPS_FACTOR * reps, tinyReps: TINY_REPS_FACTOR * reps, timestamps: timer !== null, rows };
}

/**
 * The runtimes and TF.js a bench run compares, all on one device: the default runtime, variants with the
 * other long-row strategies and the other way of forming Philox's products, and TF.js's WebGPU backend
 * registered on the same device: `device` if given, else one the default runtime requests.
 */
let setups = 0;

export async function benchSetup(createGumbel, gpu, tfImports, device = undefined) {
  const rt = await createGumbel({ backend: 'webgpu', gpu, device });
  const cpu = await createGumbel({ backend: 'cpu' });
  const on = { backend: 'webgpu', device: rt.device, gpu };
  const variants = [
    { name: `rowCache ${!rt.usesRowCache}`, rt: await createGumbel({ ...on, rowCache: !rt.usesRowCache }) },
    { name: 'stash false (regenerate)', rt: await createGumbel({ ...on, rowCache: rt.usesRowCache, stash: false }) },
    { name: `rowSplit ${!rt.usesRowSplit}`, rt: await createGumbel({ ...on, rowSplit: !rt.usesRowSplit }) },
    { name: `rowPerInvocation ${!rt.usesRowPerInvocation}`, rt: await createGumbel({ ...on, rowPerInvocation: !rt.usesRowPerInvocation }) },
    { name: `philoxFloatProducts ${!rt.usesPhiloxFloatProducts}`, rt: await createGumbel({ ...on, philoxFloatProducts: !rt.usesPhiloxFloatProducts }) },
  ];
  let tf = null;
  if (tfImports) {
    const [core, { WebGPUBackend }] = await tfImports();
    const name = `webgpu-bench-${setups++}`; // one TF.js backend per device
    core.copyRegisteredKernels('webgpu', name);
    core.registerBackend(name, () => new WebGPUBackend(rt.device));
    await core.setBackend(name);
    tf = core;
  }
  return { rt, cpu, variants, tf };
}

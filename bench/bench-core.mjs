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

const COPY_WGSL = `
@group(0) @binding(0) var<storage, read> src: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4f>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i < arrayLength(&dst)) {
    dst[i] = src[i % arrayLength(&src)];
  }
}`;

// The unfused baseline's second kernel: softmax((logits + noise) / tau) per row, one workgroup per row, reading
// the stored noise and the logits three times (max, sum, write), as TF.js and ORT softmax do.
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
}`;

/** Noise from this package's gumbel() kernel, stored, then SOFTMAX_WGSL over it: the unfused pipeline. */
function makeUnfused(rt, R, K, logits) {
  const device = rt.device;
  const module = device.createShaderModule({ label: 'bench unfused softmax', code: SOFTMAX_WGSL });
  const pipeline = device.createComputePipeline({ label: 'bench unfused softmax', layout: 'auto', compute: { module, entryPoint: 'main' } });
  const params = device.createBuffer({ size: 16, usage: 0x40 | 0x08 }); // UNIFORM | COPY_DST
  const pdata = new ArrayBuffer(16);
  new Uint32Array(pdata, 0, 2).set([R, K]);
  new Float32Array(pdata, 8, 1)[0] = 0.7;
  device.queue.writeBuffer(params, 0, pdata);
  const y = device.createBuffer({ size: 4 * R * K, usage: 0x80 });
  const x = Math.min(R, 65535);
  return {
    run: async (i) => {
      const noise = await rt.gumbel([R, K], { seed: 1, offset: i * R * K });
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [params, logits.buffer, noise.buffer, y].map((buffer, binding) => ({ binding, resource: { buffer } })) }));
      pass.dispatchWorkgroups(x, Math.ceil(R / x));
      pass.end();
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
      noise.destroy();
    },
    destroy: () => {
      params.destroy();
      y.destroy();
    },
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs) => [Math.min(...xs), Math.max(...xs)];

/** Times fn (which must wait for its GPU work) after warm-up; returns median and spread in ms. */
async function time(fn, reps) {
  for (let i = 0; i < 2; i++) await fn(i);
  const ms = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn(i + 2);
    ms.push(performance.now() - t0);
  }
  return { median: median(ms), min: spread(ms)[0], max: spread(ms)[1], reps };
}

/** A copy of `bytesOut` bytes reading `bytesIn`, as one dispatch, waited for with onSubmittedWorkDone. */
function makeCopy(device, bytesIn, bytesOut) {
  const usage = 0x80 | 0x08; // STORAGE | COPY_DST
  const src = device.createBuffer({ label: 'bench copy src', size: Math.max(16, bytesIn), usage });
  const dst = device.createBuffer({ label: 'bench copy dst', size: Math.max(16, bytesOut), usage });
  const module = device.createShaderModule({ label: 'bench copy', code: COPY_WGSL });
  const pipeline = device.createComputePipeline({ label: 'bench copy', layout: 'auto', compute: { module, entryPoint: 'main' } });
  const bind = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: src } }, { binding: 1, resource: { buffer: dst } }] });
  const groups = Math.ceil(Math.max(16, bytesOut) / 16 / 256);
  const x = Math.min(groups, 65535);
  const y = Math.ceil(groups / x);
  return {
    run: async () => {
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bind);
      pass.dispatchWorkgroups(x, y);
      pass.end();
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
    },
    destroy: () => {
      src.destroy();
      dst.destroy();
    },
  };
}

/**
 * Runs every workload on a WebGPU runtime `rt` (and its CPU twin `cpu`); `log` receives progress lines.
 * Returns { adapter, rows: [{ workload, variant, median, min, max, ratioToCopy }] }.
 */
export async function runBench(rt, cpu, { reps = 10, log = () => {}, workloads = WORKLOADS } = {}) {
  const device = rt.device;
  const rows = [];
  for (const [R, K] of workloads) {
    const n = R * K;
    const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.618) * 3);
    const logits = rt.tensor(data, [R, K]);
    const dy = rt.tensor(Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.31)), [R, K]);
    const workload = `${R} x ${K}`;
    const add = (variant, t, copy) => {
      const row = { workload, variant, ...t, ratioToCopy: copy ? t.median / copy.median : 1 };
      rows.push(row);
      log(`${workload.padEnd(12)} ${variant.padEnd(34)} ${t.median.toFixed(2).padStart(9)} ms  (${t.min.toFixed(2)} to ${t.max.toFixed(2)})`);
      return row;
    };
    // Floors: reading the logits and writing one output of the same size; for the backward, reading
    // logits and dy and writing dLogits.
    const copy = makeCopy(device, 4 * n, 4 * n);
    const copyT = await time(() => copy.run(), reps);
    copy.destroy();
    add('copy kernel (memory floor)', copyT);
    const copy3 = makeCopy(device, 8 * n, 4 * n);
    const copy3T = await time(() => copy3.run(), reps);
    copy3.destroy();
    add('copy kernel, backward bytes', copy3T);

    const forward = (outputs, hard) => async (i) => {
      const o = await rt.gumbelSoftmax(logits, { tau: 0.7, hard, seed: 1, offset: i * n, outputs });
      await device.queue.onSubmittedWorkDone();
      for (const t of Object.values(o)) t.destroy();
    };
    add('forward soft (y)', await time(forward(['y'], false), reps), copyT);
    add('forward hard (y, index)', await time(forward(['y', 'index'], true), reps), copyT);
    add('forward logSoftmax', await time(forward(['logSoftmax'], false), reps), copyT);
    add('backward (dy)', await time(async (i) => {
      const g = await rt.gumbelSoftmaxBackward({ logits, tau: 0.7, seed: 1, offset: i * n, dy });
      await device.queue.onSubmittedWorkDone();
      g.destroy();
    }, reps), copy3T);
    const unfused = makeUnfused(rt, R, K, logits);
    add('unfused: noise kernel, then softmax', await time((i) => unfused.run(i), reps), copyT);
    unfused.destroy();
    add('forward soft (y) + readback', await time(async (i) => {
      const o = await rt.gumbelSoftmax(logits, { tau: 0.7, seed: 1, offset: i * n, outputs: ['y'] });
      await o.y.read();
      o.y.destroy();
    }, reps), copyT);
    if (n <= 1 << 20) {
      const cl = cpu.tensor(data, [R, K]);
      add('CPU fallback forward soft', await time(async (i) => {
        const o = await cpu.gumbelSoftmax(cl, { tau: 0.7, seed: 1, offset: i * n, outputs: ['y'] });
        o.y.destroy();
      }, Math.min(reps, 3)), copyT);
      add('plain JS loop, Math.random', await time(async () => {
        const y = new Float32Array(n);
        for (let r = 0; r < R; r++) {
          let m = -Infinity;
          for (let k = 0; k < K; k++) {
            const v = (data[r * K + k] - Math.log(-Math.log(Math.random()))) / 0.7;
            y[r * K + k] = v;
            if (v > m) m = v;
          }
          let s = 0;
          for (let k = 0; k < K; k++) s += y[r * K + k] = Math.exp(y[r * K + k] - m);
          for (let k = 0; k < K; k++) y[r * K + k] /= s;
        }
      }, Math.min(reps, 3)), copyT);
    }
    logits.destroy();
    dy.destroy();
  }
  return { adapter: rt.adapterInfo, date: new Date().toISOString(), reps, rows };
}

// Times Philox4x32-10 with each way shaders/philox.wgsl can form its 32 x 32 -> 64-bit products, on the adapter
// Dawn gives Node, after checking the exact forms against mulhilo32 (16-bit limbs) word by word.
//   node tools/philox-forms.mjs [words to check, default 2^24] [blocks to time, default 2^22] [words stored: 1 or 4]
// On this machine add LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json.
// Each timed kernel runs one Philox block per invocation (the package's kernels do the same) and stores the xor
// of its four words, so it is bound by the arithmetic rather than by memory (or, with 4, all four words). GPU
// ms from timestamp queries where the adapter has them (else wall ms), forms taking turns, clocks kept up
// (bench/bench-core.mjs's timeTurns, as in `npm run bench`).
import { readFileSync } from 'node:fs';
import { create, globals } from 'webgpu';
import { dispatchOnce, makeClockWarmer, makeGpuTimer, timeTurns } from '../bench/bench-core.mjs';

Object.assign(globalThis, globals);
const gpu = create(['disable-dawn-features=timestamp_quantization']);
// Dawn in Node crashes the process when this object is garbage-collected while its device is in use
// (src/gpu/device.ts); a global keeps it (on an H200 the script aborted midway without).
globalThis.dawnGpu = gpu;
const adapter = await gpu.requestAdapter();
const device = await adapter.requestDevice({ requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [] });
const philox = readFileSync(new URL('../shaders/philox.wgsl', import.meta.url), 'utf8');

// shaders/philox.wgsl's product forms for each multiplier, and a stand-in that is not exact (`bound`).
const FORMS = `
fn float0(a: u32) -> vec2u { return mulhilo32_float(a, PHILOX_M0_FLOAT); }
fn float1(a: u32) -> vec2u { return mulhilo32_float(a, PHILOX_M1_FLOAT); }
fn limbs0(a: u32) -> vec2u { return mulhilo32(PHILOX_M0, a); }
fn limbs1(a: u32) -> vec2u { return mulhilo32(PHILOX_M1, a); }
// Not exact: the low word and a stand-in high word, to bound what the rest of Philox costs.
fn bound0(a: u32) -> vec2u { return vec2u((a >> 7u) ^ a, a * PHILOX_M0); }
fn bound1(a: u32) -> vec2u { return vec2u((a >> 7u) ^ a, a * PHILOX_M1); }
`;

// Which function forms the product by M0 and by M1 (the package's kernels: 'm0 + limbs' on GPUs, 'float' on
// CPU adapters).
const VARIANTS = {
  limbs: ['limbs0', 'limbs1'],
  'm0 + limbs': ['mulhilo32_m0', 'limbs1'],
  float: ['float0', 'float1'],
  bound: ['bound0', 'bound1'],
};

const compute = (code) =>
  device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: `${philox}\n${FORMS}\n${code}` }), entryPoint: 'main' } });
const buffer = (size, usage) => device.createBuffer({ size, usage: usage | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
async function readU32(src, size) {
  const staging = device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(src, 0, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Uint32Array(staging.getMappedRange().slice(0));
  staging.destroy();
  return out;
}

// 1. Exact forms against the limbs, word by word: mismatches and the lowest mismatching word per form.
const checks = [['mulhilo32_m0', 'limbs0'], ['float0', 'limbs0'], ['float1', 'limbs1']];
const PER_INVOCATION = 64;
const checkCode = `
@group(0) @binding(0) var<uniform> first: u32;
@group(0) @binding(1) var<storage, read_write> result: array<atomic<u32>, ${2 * checks.length}>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  for (var i = 0u; i < ${PER_INVOCATION}u; i++) {
    let a = first + ((gid.y * groups.x * 64u + gid.x) * ${PER_INVOCATION}u + i);
${checks.map(([got, want], j) => `    if (any(${got}(a) != ${want}(a))) { atomicAdd(&result[${2 * j}], 1u); atomicMin(&result[${2 * j + 1}], a); }`).join('\n')}
  }
}`;
const words = Number(process.argv[2] ?? 2 ** 24);
const checkPipeline = compute(checkCode);
const result = buffer(8 * checks.length, GPUBufferUsage.STORAGE);
device.queue.writeBuffer(result, 0, new Uint32Array(checks.flatMap(() => [0, 0xffffffff])));
const CHUNK = 2 ** 28;
const t0 = performance.now();
for (let first = 0; first < words; first += CHUNK) {
  const uniform = buffer(4, GPUBufferUsage.UNIFORM);
  device.queue.writeBuffer(uniform, 0, new Uint32Array([first]));
  dispatchOnce(device, checkPipeline, [uniform, result], Math.ceil(Math.min(CHUNK, words - first) / PER_INVOCATION / 64));
  await device.queue.onSubmittedWorkDone();
}
const found = await readU32(result, 8 * checks.length);
console.log(`adapter: ${adapter.info.vendor} ${adapter.info.architecture} ${adapter.info.device} ${adapter.info.description}`);
console.log(`checked ${words} words in ${((performance.now() - t0) / 1000).toFixed(1)} s:`);
checks.forEach(([got, want], j) => console.log(`  ${got} against ${want}: ${found[2 * j]} mismatches${found[2 * j] ? `, first at ${found[2 * j + 1]}` : ''}`));

// 2. Philox4x32-10 per variant: one block per invocation, xor of its words stored.
const blocks = Number(process.argv[3] ?? 2 ** 22);
const stored = Number(process.argv[4] ?? 1);
const timeCode = ([p0, p1]) => `
fn round_v(c: vec4u, k: vec2u) -> vec4u {
  let q0 = ${p0}(c.x);
  let q1 = ${p1}(c.z);
  return vec4u(q1.x ^ c.y ^ k.x, q1.y, q0.x ^ c.w ^ k.y, q0.y);
}
@group(0) @binding(0) var<storage, read_write> out: array<${stored === 4 ? 'vec4u' : 'u32'}>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let t = gid.y * groups.x * 256u + gid.x;
  if (t >= arrayLength(&out)) { return; }
  var k = vec2u(0x12345678u, 0x9abcdef0u);
  var c = round_v(vec4u(t, 0u, 7u, 0u), k);
  for (var r = 1u; r < 10u; r++) {
    k += vec2u(PHILOX_W0, PHILOX_W1);
    c = round_v(c, k);
  }
  out[t] = ${stored === 4 ? 'c' : 'c.x ^ c.y ^ c.z ^ c.w'};
}`;
const names = Object.keys(VARIANTS);
const pipelines = Object.fromEntries(names.map((name) => [name, compute(timeCode(VARIANTS[name]))]));
const outs = Object.fromEntries(names.map((name) => [name, buffer(4 * stored * blocks, GPUBufferUsage.STORAGE)]));
const groups = Math.ceil(blocks / 256);
const timer = makeGpuTimer(device);
const reps = 15;
const timed = await timeTurns(
  names.map((name) => async () => {
    dispatchOnce(device, pipelines[name], [outs[name]], groups);
    await device.queue.onSubmittedWorkDone();
  }),
  reps,
  { timer, busy: makeClockWarmer(device, adapter.info) },
);
const want = await readU32(outs.limbs, 4 * stored * blocks);
// GPU ms where there are timestamps, else wall ms: median, min, max.
const summary = ({ gpu, gpuEach, median, min, max }) => (gpuEach ? [gpu, Math.min(...gpuEach), Math.max(...gpuEach)] : [median, min, max]);
console.log(`Philox4x32-10, ${blocks} blocks (${4 * blocks} words, ${stored} stored per block), ${timer ? 'GPU' : 'wall'} ms, median of ${reps} (min-max):`);
const base = summary(timed[0])[0];
for (const [j, name] of names.entries()) {
  const got = await readU32(outs[name], 4 * stored * blocks);
  let differing = 0;
  for (let i = 0; i < stored * blocks; i++) if (got[i] !== want[i]) differing++;
  const [m, lo, hi] = summary(timed[j]);
  console.log(`  ${name.padEnd(11)} ${m.toFixed(4)} (${lo.toFixed(4)}-${hi.toFixed(4)}), ${(m / base).toFixed(3)}x limbs; ${differing} of ${stored * blocks} words stored differ from limbs`);
}
process.exit(0);

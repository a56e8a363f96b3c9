// Checks shaders/philox.wgsl's mulhilo32_float against mulhilo32 for every 32-bit word and both Philox
// multipliers, on the adapter Dawn gives Node (SwiftShader here: 37 s on two cores). Usage:
//   LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json \
//   node tools/check-philox-products.mjs [words, default 2^32]
import { readFileSync } from 'node:fs';
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
const gpu = create([]);
const device = await (await gpu.requestAdapter()).requestDevice();
const philox = readFileSync(new URL('../shaders/philox.wgsl', import.meta.url), 'utf8');
const PER_INVOCATION = 64;
const code = `${philox}
@group(0) @binding(0) var<uniform> first: u32;
@group(0) @binding(1) var<storage, read_write> result: array<atomic<u32>, 2>; // mismatches, lowest mismatching word

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  for (var i = 0u; i < ${PER_INVOCATION}u; i++) {
    let a = first + gid.x * ${PER_INVOCATION}u + i;
    let want0 = mulhilo32(PHILOX_M0, a);
    let want1 = mulhilo32(PHILOX_M1, a);
    let got0 = mulhilo32_float(a, PHILOX_M0, PHILOX_M0_HI, PHILOX_M0_LO_F, PHILOX_M0_F);
    let got1 = mulhilo32_float(a, PHILOX_M1, PHILOX_M1_HI, PHILOX_M1_LO_F, PHILOX_M1_F);
    if (any(got0 != want0) || any(got1 != want1)) {
      atomicAdd(&result[0], 1u);
      atomicMin(&result[1], a);
    }
  }
}`;
const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
const words = Number(process.argv[2] ?? 2 ** 32);
const CHUNK = 2 ** 24; // words per dispatch: 2^24 / 64 / 64 = 4096 workgroups
const result = device.createBuffer({ size: 8, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
device.queue.writeBuffer(result, 0, new Uint32Array([0, 0xffffffff]));
const started = performance.now();
for (let first = 0; first < words; first += CHUNK) {
  const uniform = device.createBuffer({ size: 4, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(uniform, 0, new Uint32Array([first]));
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: uniform } }, { binding: 1, resource: { buffer: result } }] }));
  pass.dispatchWorkgroups(Math.ceil(Math.min(CHUNK, words - first) / PER_INVOCATION / 64));
  pass.end();
  device.queue.submit([encoder.finish()]);
  await device.queue.onSubmittedWorkDone();
  uniform.destroy();
}
const staging = device.createBuffer({ size: 8, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
const encoder = device.createCommandEncoder();
encoder.copyBufferToBuffer(result, 0, staging, 0, 8);
device.queue.submit([encoder.finish()]);
await staging.mapAsync(GPUMapMode.READ);
const [mismatches, lowest] = new Uint32Array(staging.getMappedRange());
const info = (await gpu.requestAdapter()).info;
console.log(JSON.stringify({ adapter: `${info.vendor} ${info.architecture} ${info.description}`, words, mismatches, lowestMismatch: mismatches ? lowest : null, seconds: +((performance.now() - started) / 1000).toFixed(1) }));
process.exit(mismatches === 0 ? 0 : 1);

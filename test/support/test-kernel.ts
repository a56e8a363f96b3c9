// Runs a test-only kernel with one read-only input and one output array of u32 on a device, with the given
// values of its overrides.
import type { KernelSpec } from '../../src/gpu/kernel-spec.js';

export async function runTestKernel(device: GPUDevice, spec: KernelSpec, input: Uint32Array, outputWords: number, invocations: number, constants: Record<string, number> = {}): Promise<Uint32Array> {
  const usage = GPUBufferUsage;
  const inBuf = device.createBuffer({ label: `${spec.name} input`, size: input.byteLength, usage: usage.STORAGE | usage.COPY_DST });
  const outBuf = device.createBuffer({ label: `${spec.name} output`, size: outputWords * 4, usage: usage.STORAGE | usage.COPY_SRC | usage.COPY_DST });
  const staging = device.createBuffer({ label: `${spec.name} staging`, size: outputWords * 4, usage: usage.MAP_READ | usage.COPY_DST });
  try {
    device.queue.writeBuffer(inBuf, 0, input);
    device.queue.writeBuffer(outBuf, 0, new Uint32Array(outputWords).fill(0xdeadbeef)); // poison
    const pipeline = device.createComputePipeline({
      label: spec.name,
      layout: 'auto',
      compute: { module: device.createShaderModule({ label: spec.name, code: spec.code }), entryPoint: spec.entryPoint, constants },
    });
    const encoder = device.createCommandEncoder({ label: spec.name });
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: inBuf } }, { binding: 1, resource: { buffer: outBuf } }] }));
    pass.dispatchWorkgroups(Math.ceil(invocations / spec.workgroupSize));
    pass.end();
    encoder.copyBufferToBuffer(outBuf, 0, staging, 0, outputWords * 4);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    return new Uint32Array(staging.getMappedRange().slice(0));
  } finally {
    inBuf.destroy();
    outBuf.destroy();
    staging.destroy();
  }
}

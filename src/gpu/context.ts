// What an op needs to encode GPU work: the device, the pool, the pipeline cache and two helpers.
import { BufferUsage } from './flags.js';
import type { KernelSpec } from './kernel-spec.js';
import { BufferPool } from './buffer-pool.js';
import { foldDispatch, packParams, PipelineCache, type ParamValues } from './kernels.js';

export class GpuContext {
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  /** Uniform buffers of the work being encoded; released once it is submitted. */
  #transient: GPUBuffer[] = [];

  constructor(readonly device: GPUDevice) {
    this.pool = new BufferPool(device);
    this.pipelines = new PipelineCache(device);
  }

  /** A uniform buffer holding the kernel's parameters, valid until the next submit. */
  uniforms(spec: KernelSpec, values: ParamValues): GPUBuffer {
    const data = packParams(spec, values);
    const buffer = this.pool.acquire(data.byteLength, BufferUsage.UNIFORM | BufferUsage.COPY_DST, `${spec.name} params`);
    this.device.queue.writeBuffer(buffer, 0, data);
    this.#transient.push(buffer);
    return buffer;
  }

  /** Encodes a dispatch of enough workgroups for `invocations` threads. */
  dispatch(encoder: GPUCommandEncoder, spec: KernelSpec, buffers: Record<string, GPUBuffer>, invocations: number, constants?: Record<string, number>): void {
    const pass = encoder.beginComputePass({ label: spec.name });
    pass.setPipeline(this.pipelines.get(spec, constants));
    pass.setBindGroup(0, this.pipelines.bindGroup(spec, buffers));
    const [x, y] = foldDispatch(Math.ceil(invocations / spec.workgroupSize), this.device.limits.maxComputeWorkgroupsPerDimension);
    pass.dispatchWorkgroups(x, y);
    pass.end();
  }

  submit(encoder: GPUCommandEncoder): void {
    this.device.queue.submit([encoder.finish()]);
    for (const b of this.#transient) this.pool.release(b);
    this.#transient = [];
    this.pool.afterSubmit();
  }
}

// What an op needs to encode GPU work: the device, the pool, the pipeline cache and two helpers.
import { BufferUsage } from './flags.js';
import type { KernelSpec } from './kernel-spec.js';
import { BufferPool } from './buffer-pool.js';
import { foldDispatch, packParams, PipelineCache, type Bindings, type ParamValues } from './kernels.js';

export class GpuContext {
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  /** Uniform and scratch buffers of the work being encoded; released once it is submitted. */
  #transient: GPUBuffer[] = [];
  /** Placeholder buffers by binding name (see unused()). */
  readonly #unused = new Map<string, GPUBuffer>();

  /**
   * `subgroups`: whether kernels may use subgroup operations (feature and WGSL subgroup_id present).
   * `rowCache`: whether the Gumbel-Softmax kernels keep long rows in workgroup memory.
   * `stash`: whether they keep the rest of a long row in the output buffer between their passes.
   * `rowSplit`: whether few long rows get several workgroups each.
   * `rowPerInvocation`: whether long rows get one invocation each (row-layout.ts, rowsByInvocation).
   * `philoxFloatProducts`: whether Philox's products take f32 arithmetic (shaders/philox.wgsl); every kernel
   * that draws gets it, through dispatchGroups. Turned off at creation where the f32 form fails its check
   * (createWebGpuRuntime in runtime.ts).
   */
  constructor(
    readonly device: GPUDevice,
    readonly subgroups: boolean,
    readonly rowCache: boolean,
    readonly stash: boolean,
    readonly rowSplit: boolean,
    readonly rowPerInvocation: boolean,
    public philoxFloatProducts: boolean,
  ) {
    this.pool = new BufferPool(device);
    this.pipelines = new PipelineCache(device);
  }

  /**
   * A small buffer to bind where a kernel's optional input or output is not used (its overrides skip every
   * access). One per binding name: writable bindings of one dispatch may not alias each other.
   */
  unused(binding: string): GPUBuffer {
    let buffer = this.#unused.get(binding);
    if (!buffer) {
      // 32 bytes: one element of any binding here (the largest is a RowState in row-split.wgsl).
      buffer = this.device.createBuffer({ label: `unused ${binding}`, size: 32, usage: BufferUsage.STORAGE });
      this.#unused.set(binding, buffer);
    }
    return buffer;
  }

  /** A uniform buffer holding the kernel's parameters, valid until the next submit. */
  uniforms(spec: KernelSpec, values: ParamValues): GPUBuffer {
    const data = packParams(spec, values);
    const buffer = this.pool.acquire(data.byteLength, BufferUsage.UNIFORM | BufferUsage.COPY_DST, `${spec.name} params`);
    this.device.queue.writeBuffer(buffer, 0, data);
    this.#transient.push(buffer);
    return buffer;
  }

  /** A storage buffer for intermediate results of the work being encoded, valid until the next submit. */
  scratch(bytes: number, label: string): GPUBuffer {
    const buffer = this.pool.acquire(bytes, BufferUsage.STORAGE, label);
    this.#transient.push(buffer);
    return buffer;
  }

  /** Encodes a dispatch of enough workgroups for `invocations` threads. */
  dispatch(encoder: GPUCommandEncoder, spec: KernelSpec, buffers: Bindings, invocations: number, constants?: Record<string, number>): void {
    this.dispatchGroups(encoder, spec, buffers, Math.ceil(invocations / spec.workgroupSize), constants);
  }

  /**
   * The part of `buffer` that holds elements [first, end) of 4 bytes, starting at the aligned offset at or
   * below `first`; `base` is the element index where the range starts (kernels index relative to it).
   */
  elementRange(buffer: GPUBuffer, first: number, end: number): { binding: GPUBufferBinding; base: number } {
    const align = this.device.limits.minStorageBufferOffsetAlignment;
    const offset = Math.floor((first * 4) / align) * align;
    return { binding: { buffer, offset, size: Math.max(4, end * 4 - offset) }, base: offset / 4 };
  }

  /** Encodes a dispatch of `groups` workgroups (folded into 2-D past the per-dimension limit). */
  dispatchGroups(encoder: GPUCommandEncoder, spec: KernelSpec, buffers: Bindings, groups: number, constants?: Record<string, number>): void {
    const pass = encoder.beginComputePass({ label: spec.name });
    if (spec.overrides.includes('PHILOX_FLOAT_PRODUCTS')) constants = { ...constants, PHILOX_FLOAT_PRODUCTS: Number(this.philoxFloatProducts) };
    pass.setPipeline(this.pipelines.get(spec, constants));
    pass.setBindGroup(0, this.pipelines.bindGroup(spec, buffers));
    const [x, y] = foldDispatch(groups, this.device.limits.maxComputeWorkgroupsPerDimension);
    pass.dispatchWorkgroups(x, y);
    pass.end();
  }

  destroy(): void {
    this.pool.destroyAll();
    for (const b of this.#unused.values()) b.destroy();
    this.#unused.clear();
  }

  submit(encoder: GPUCommandEncoder): void {
    this.device.queue.submit([encoder.finish()]);
    for (const b of this.#transient) this.pool.release(b);
    this.#transient = [];
    this.pool.afterSubmit();
  }
}

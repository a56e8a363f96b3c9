// The WebGPU backend: tensors in pooled storage buffers, each op one submit inside error scopes.
import { BufferUsage, MapMode } from './flags.js';
import { drawWords } from '../cpu/philox.js';
import { dtypeOf } from '../cpu/runtime.js';
import { encodeDraw, encodeGumbelFromBits, type DrawTransform } from '../ops/draw.js';
import { encodeGumbelSoftmax, encodeGumbelSoftmaxBackward } from '../ops/gumbel-softmax.js';
import { planBackward, planForward } from '../softmax-plan.js';
import type {
  AdapterDescription,
  CreateOptions,
  DataOf,
  DType,
  GumbelRuntime,
  GumbelSoftmaxBackwardOptions,
  GumbelSoftmaxOptions,
  GumbelSoftmaxOutputs,
  PoolStats,
  RngOptions,
  SoftmaxOutput,
  Tensor,
} from '../types.js';
import { checkNotInBatch, checkReadOutsideBatch, checkReadTarget, checkTensor, describe, toShape, toStreamPosition } from '../validate.js';
import { GpuContext } from './context.js';
import { acquireDevice, DeviceHealth, type AcquiredDevice } from './device.js';

const TENSOR_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;

class GpuTensor<D extends DType = DType> implements Tensor<D> {
  #buffer: GPUBuffer | null;
  /**
   * `pooled`: the buffer is the pool's, returned to it by destroy(); else the caller's (tensorFromBuffer),
   * left alone.
   */
  constructor(
    readonly owner: GpuRuntime,
    readonly shape: readonly number[],
    readonly dtype: D,
    readonly size: number,
    buffer: GPUBuffer,
    readonly pooled = true,
  ) {
    this.#buffer = buffer;
  }
  get destroyed(): boolean {
    return this.#buffer === null;
  }
  get buffer(): GPUBuffer {
    if (!this.#buffer) throw new TypeError('tensor was destroyed');
    return this.#buffer;
  }
  async read(into?: DataOf<D>): Promise<DataOf<D>> {
    checkReadTarget(into, this.dtype, this.size);
    const buffer = this.buffer; // throws when destroyed
    if (!(buffer.usage & BufferUsage.COPY_SRC)) throw new TypeError("read(): the tensor's buffer has no COPY_SRC usage, so it cannot be copied out");
    this.owner.checkReadable(); // before allocating: a refused read of a large tensor should cost nothing
    const out = into ?? ((this.dtype === 'f32' ? new Float32Array(this.size) : new Uint32Array(this.size)) as DataOf<D>);
    await this.owner.readBuffer(buffer, new Uint8Array(out.buffer, out.byteOffset, this.size * 4), into === undefined);
    return out;
  }
  destroy(): void {
    if (!this.#buffer) return;
    if (this.pooled) this.owner.ctx.pool.release(this.#buffer);
    this.#buffer = null;
  }
}

/** An open batch: its encoder, its ops' outputs, and the errors of each op's encoding and of the submit. */
interface Batch {
  encoder: GPUCommandEncoder;
  outputs: GpuTensor[];
  errors: Promise<GPUError | null>[];
}

class GpuRuntime implements GumbelRuntime {
  readonly backend = 'webgpu';
  readonly ctx: GpuContext;
  readonly #health: DeviceHealth;

  readonly device: GPUDevice;
  readonly adapterInfo: AdapterDescription;
  readonly usesSubgroups: boolean;
  readonly usesRowCache: boolean;
  readonly usesStash: boolean;
  readonly usesRowSplit: boolean;
  readonly usesRowPerInvocation: boolean;
  readonly #acquired: AcquiredDevice; // keeps the GPU object alive (see AcquiredDevice.gpu)
  /** The open batch (see batch()). */
  #batch: Batch | null = null;

  constructor(acquired: AcquiredDevice, options: CreateOptions) {
    this.#acquired = acquired;
    this.device = acquired.device;
    this.adapterInfo = acquired.adapterInfo;
    const rowCache = options.rowCache ?? false;
    const rowSplit = options.rowSplit ?? !acquired.onCpu;
    const rowPerInvocation = options.rowPerInvocation ?? acquired.onCpu;
    const philoxFloatProducts = options.philoxFloatProducts ?? acquired.onCpu;
    this.ctx = new GpuContext(this.device, acquired.subgroups && (options.subgroups ?? true), rowCache, options.stash ?? true, rowSplit, rowPerInvocation, philoxFloatProducts);
    this.usesSubgroups = this.ctx.subgroups;
    this.usesRowCache = this.ctx.rowCache;
    this.usesStash = this.ctx.stash;
    this.usesRowSplit = this.ctx.rowSplit;
    this.usesRowPerInvocation = this.ctx.rowPerInvocation;
    this.#health = new DeviceHealth(this.device, acquired.owned);
  }

  get usesPhiloxFloatProducts(): boolean {
    return this.ctx.philoxFloatProducts;
  }

  /**
   * How many of PHILOX_CHECK.n words drawn with the f32 products differ from the CPU's. The f32 form is exact
   * wherever f32 addition and multiplication round correctly, as WGSL requires and as SwiftShader does (every
   * word, tools/philox-forms.mjs; its earlier form on an NVIDIA H200 too); this guards the other CPU adapters,
   * unmeasured here. The words take 81920 products (20 a block of 4): an arithmetic that errs on 1 product in
   * 10^4 fails the check with probability 1 - 3e-4; rarer errors only an exhaustive check finds.
   */
  async wrongFloatProductWords(): Promise<number> {
    const { n, pos } = PHILOX_CHECK;
    const drawn = await this.randomBits([n], pos);
    const words = await drawn.read();
    drawn.destroy();
    const expected = drawWords(n, pos);
    let wrong = 0;
    for (let i = 0; i < n; i++) if (words[i] !== expected[i]) wrong++;
    return wrong;
  }

  isOwn = (t: unknown): t is GpuTensor => t instanceof GpuTensor && t.owner === this;

  tensor(data: Float32Array, shape?: readonly number[]): Tensor<'f32'>;
  tensor(data: Uint32Array, shape?: readonly number[]): Tensor<'u32'>;
  tensor(data: Float32Array | Uint32Array, shape?: readonly number[]): Tensor {
    this.#health.check();
    const dtype = dtypeOf(data);
    const s = toShape('shape', shape ?? [data.length]);
    if (s.size !== data.length) throw new RangeError(`shape [${s.shape}] has ${s.size} elements but data has ${data.length}`);
    const t = this.#alloc(s.shape, dtype, s.size, 'tensor');
    if (s.size > 0) this.device.queue.writeBuffer(t.buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return t;
  }

  tensorFromBuffer(buffer: GPUBuffer, shape: readonly number[], dtype?: 'f32'): Tensor<'f32'>;
  tensorFromBuffer(buffer: GPUBuffer, shape: readonly number[], dtype: 'u32'): Tensor<'u32'>;
  tensorFromBuffer(buffer: GPUBuffer, shape: readonly number[], dtype: DType = 'f32'): Tensor {
    this.#health.check();
    checkGpuBuffer(buffer);
    if (dtype !== 'f32' && dtype !== 'u32') throw new RangeError(`dtype must be 'f32' or 'u32', got ${JSON.stringify(dtype)}`);
    const s = toShape('shape', shape);
    if (!(buffer.usage & BufferUsage.STORAGE)) throw new TypeError('buffer must have STORAGE usage (GPUBufferUsage.STORAGE) for the kernels to bind it');
    if (s.size * 4 > buffer.size) throw new RangeError(`shape [${s.shape}] needs ${s.size * 4} bytes, but the buffer has ${buffer.size}`);
    if (buffer.mapState !== 'unmapped') throw new TypeError(`buffer is ${buffer.mapState}: unmap it before the GPU can use it`);
    return new GpuTensor(this, s.shape, dtype, s.size, buffer, false);
  }

  bufferOf(tensor: Tensor): GPUBuffer {
    this.#health.check();
    return checkTensor('tensor', tensor, this.isOwn).buffer;
  }

  randomBits(shape: readonly number[], rng: RngOptions): Promise<Tensor<'u32'>> {
    return this.#draw(shape, rng, 'bits', 'u32');
  }

  uniform(shape: readonly number[], rng: RngOptions): Promise<Tensor<'f32'>> {
    return this.#draw(shape, rng, 'uniform', 'f32');
  }

  gumbel(shape: readonly number[], rng: RngOptions): Promise<Tensor<'f32'>> {
    return this.#draw(shape, rng, 'gumbel', 'f32');
  }

  async gumbelFromBits(bits: Tensor<'u32'>): Promise<Tensor<'f32'>> {
    this.#health.check();
    const input = checkTensor('bits', bits, this.isOwn, 'u32');
    const out = this.#alloc(input.shape, 'f32', input.size, 'gumbelFromBits');
    await this.#run('gumbelFromBits', [out], (encoder) => encodeGumbelFromBits(this.ctx, encoder, input.buffer, out.buffer, input.size));
    return out;
  }

  async gumbelSoftmax<O extends SoftmaxOutput = 'y' | 'index'>(
    logits: Tensor<'f32'>,
    options: GumbelSoftmaxOptions & { outputs?: readonly O[] },
  ): Promise<Pick<GumbelSoftmaxOutputs, O>> {
    this.#health.check();
    const plan = planForward(logits, options, this.isOwn);
    const n = plan.S * plan.R * plan.K;
    const result: Partial<GumbelSoftmaxOutputs> = {};
    if (plan.outputs.has('y')) result.y = this.#alloc(plan.outShape, 'f32', n, 'y');
    if (plan.outputs.has('logSoftmax')) result.logSoftmax = this.#alloc(plan.outShape, 'f32', n, 'logSoftmax');
    if (plan.outputs.has('index')) result.index = this.#alloc(plan.indexShape, 'u32', plan.S * plan.R, 'index');
    const outputs = Object.values(result) as GpuTensor[];
    await this.#run('gumbelSoftmax', outputs, (encoder) =>
      encodeGumbelSoftmax(this.ctx, encoder, plan, {
        logits: plan.logits.buffer,
        taus: plan.tauTensor?.buffer ?? null,
        y: (result.y as GpuTensor | undefined)?.buffer ?? null,
        logSoftmax: (result.logSoftmax as GpuTensor | undefined)?.buffer ?? null,
        index: (result.index as GpuTensor | undefined)?.buffer ?? null,
      }),
    );
    return result as Pick<GumbelSoftmaxOutputs, O>;
  }

  async gumbelSoftmaxBackward(options: GumbelSoftmaxBackwardOptions): Promise<Tensor<'f32'>> {
    this.#health.check();
    const plan = planBackward(options, this.isOwn);
    const out = this.#alloc(plan.logits.shape, 'f32', plan.R * plan.K, 'dLogits');
    await this.#run('gumbelSoftmaxBackward', [out], (encoder) =>
      encodeGumbelSoftmaxBackward(this.ctx, encoder, plan, {
        logits: plan.logits.buffer,
        taus: plan.tauTensor?.buffer ?? null,
        dy: plan.dy?.buffer ?? null,
        dLogSoftmax: plan.dLogSoftmax?.buffer ?? null,
        dLogits: out.buffer,
      }),
    );
    return out;
  }

  async batch<T>(work: () => Promise<T>): Promise<T> {
    this.#health.check();
    checkNotInBatch(this.#batch !== null);
    const batch: Batch = { encoder: this.device.createCommandEncoder({ label: 'batch' }), outputs: [], errors: [] };
    let result: T;
    await this.#checked('batch', batch.outputs, async () => {
      this.#batch = batch;
      try {
        result = await work();
      } finally {
        this.#batch = null;
      }
      // Each op's encoding was checked in scopes of its own (#run); errors that only finish() reports surface here.
      batch.errors.push(this.#scoped(() => this.ctx.submit(batch.encoder)));
      return batch.errors;
    });
    return result!;
  }

  poolStats(): PoolStats {
    return this.ctx.pool.stats();
  }

  destroy(): void {
    this.#health.markDestroyed();
    this.ctx.destroy();
    if (this.#acquired.owned) this.device.destroy();
  }

  /** Throws when a read cannot start now: the device is lost or destroyed, or a batch is being encoded. */
  checkReadable(): void {
    this.#health.check();
    checkReadOutsideBatch(this.#batch !== null);
  }

  /**
   * Copies a buffer's first `into.length` bytes into `into` through a pooled staging buffer. When `into` is
   * fresh memory, its pages are touched while the GPU works rather than during the copy: the first writes to
   * fresh memory are most of a large readback's cost (32 MiB in Chromium on SwiftShader here: 93 ms into a
   * new array, 3 ms into one written before; forward logSoftmax + read() of 2^23 elements, interleaved A/B:
   * 5-20% faster in 8 of 9 runs, a tie in one). A caller's array is left alone until the data is there.
   * The caller (GpuTensor.read) has called checkReadable first, before allocating `into`.
   */
  async readBuffer(buffer: GPUBuffer, into: Uint8Array, fresh: boolean): Promise<void> {
    const bytes = into.length;
    if (bytes === 0) return;
    const staging = this.ctx.pool.acquire(bytes, BufferUsage.MAP_READ | BufferUsage.COPY_DST, 'readback');
    try {
      const encoder = this.device.createCommandEncoder({ label: 'readback' });
      encoder.copyBufferToBuffer(buffer, 0, staging, 0, bytes);
      this.ctx.submit(encoder);
      if (fresh) for (let i = 0; i < bytes; i += 4096) into[i] = 0;
      await staging.mapAsync(MapMode.READ, 0, bytes);
      into.set(new Uint8Array(staging.getMappedRange(0, bytes)));
    } catch (error) {
      this.#health.check(); // a lost device explains the failure better than mapAsync's own error
      throw error;
    } finally {
      if (staging.mapState === 'mapped') staging.unmap();
      this.ctx.pool.release(staging);
    }
  }

  async #draw<D extends DType>(shape: readonly number[], rng: RngOptions, transform: DrawTransform, dtype: D): Promise<Tensor<D>> {
    this.#health.check();
    const s = toShape('shape', shape);
    const pos = toStreamPosition(rng);
    const out = this.#alloc(s.shape, dtype, s.size, transform);
    await this.#run(transform, [out], (encoder) => encodeDraw(this.ctx, encoder, out.buffer, s.size, pos, transform));
    return out;
  }

  #alloc<D extends DType>(shape: readonly number[], dtype: D, size: number, label: string): GpuTensor<D> {
    const bytes = size * 4;
    const limit = this.device.limits.maxBufferSize;
    if (bytes > limit) throw new RangeError(`a tensor of ${size} elements (${bytes} bytes) exceeds this device's maxBufferSize of ${limit} bytes`);
    return new GpuTensor(this, shape, dtype, size, this.ctx.pool.acquire(bytes, TENSOR_USAGE, label));
  }

  /** Encodes and submits one op (see #checked); inside a batch, only encodes into the batch's encoder. */
  async #run(label: string, outputs: GpuTensor[], encode: (encoder: GPUCommandEncoder) => void): Promise<void> {
    const batch = this.#batch;
    if (batch) {
      batch.outputs.push(...outputs);
      batch.errors.push(this.#scoped(() => encode(batch.encoder))); // awaited when the batch ends
      return;
    }
    await this.#checked(label, outputs, async () => [
      this.#scoped(() => {
        const encoder = this.device.createCommandEncoder({ label });
        encode(encoder);
        this.ctx.submit(encoder);
      }),
    ]);
  }

  /**
   * Runs `work` synchronously inside validation and out-of-memory scopes and resolves to the error they caught, or
   * null. The scopes never span an await: scopes that others push on the same device meanwhile (another runtime's,
   * the caller's) would otherwise catch this runtime's errors, or this runtime theirs. Calls issued without
   * awaiting therefore nest rather than interleave.
   */
  #scoped(work: () => void): Promise<GPUError | null> {
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    let pops: Promise<[GPUError | null, GPUError | null]>;
    try {
      work();
    } finally {
      pops = Promise.all([this.device.popErrorScope(), this.device.popErrorScope()]);
    }
    return pops.then(([validation, outOfMemory]) => validation ?? outOfMemory);
  }

  /**
   * Awaits `attempt` and then the errors its scopes caught (#scoped); on a throw or such an error, frees `outputs`
   * and rejects. `attempt` runs synchronously up to its first await, so an op's encoding and submit happen in
   * call order.
   */
  async #checked(label: string, outputs: GpuTensor[], attempt: () => Promise<Promise<GPUError | null>[]>): Promise<void> {
    try {
      const gpuError = (await Promise.all(await attempt())).find((e) => e !== null);
      if (gpuError) throw new Error(`gumbel-webgpu: ${label} failed on the GPU: ${gpuError.message}`);
    } catch (error) {
      for (const t of outputs) t.destroy();
      this.#health.check(); // a lost device explains the failure best
      throw error;
    }
  }
}

/** Throws unless `value` looks like a GPUBuffer (checked by its members: Dawn in Node has no GPUBuffer global). */
function checkGpuBuffer(value: unknown): asserts value is GPUBuffer {
  const b = value as Partial<GPUBuffer> | null;
  const ok = typeof b === 'object' && b !== null && typeof b.size === 'number' && typeof b.usage === 'number' && typeof b.mapAsync === 'function';
  if (!ok) throw new TypeError(`buffer must be a GPUBuffer, got ${describe(value)}`);
}

/** The check of the f32 products (GpuRuntime.wrongFloatProductWords): 2^14 words, 2^12 blocks. */
const PHILOX_CHECK = { n: 2 ** 14, pos: { seed: 0x243f6a8885a308d3n, stream: 0x13198a2e03707344n, offset: 0n } };

/**
 * The check's count of wrong words by device: it depends only on the device's shader compiler, so later
 * runtimes on a device reuse it rather than compile and run the check again.
 */
const floatProductChecks = new WeakMap<GPUDevice, Promise<number>>();

/**
 * A WebGPU runtime; rejects with WebGpuUnavailableError when there is no WebGPU or no adapter. Where the f32
 * products fail their check, the kernels take limbs, or, when the caller asked for the f32 form, creation fails.
 */
export async function createWebGpuRuntime(options: CreateOptions): Promise<GumbelRuntime> {
  const rt = new GpuRuntime(await acquireDevice(options.gpu, options.device), options);
  if (!rt.usesPhiloxFloatProducts) return rt;
  try {
    let check = floatProductChecks.get(rt.device);
    if (!check) {
      check = rt.wrongFloatProductWords();
      floatProductChecks.set(rt.device, check);
      check.catch(() => floatProductChecks.delete(rt.device)); // a check that failed to run is no verdict
    }
    const wrong = await check;
    if (wrong > 0 && options.philoxFloatProducts === true) {
      throw new Error(
        `gumbel-webgpu: philoxFloatProducts: on this adapter the f32 form gave ${wrong} of ${PHILOX_CHECK.n} Philox words wrong in a check at creation; leave the option unset (the kernels then take 16-bit limbs) or false`,
      );
    }
    if (wrong > 0) rt.ctx.philoxFloatProducts = false;
  } catch (error) {
    rt.destroy();
    throw error;
  }
  return rt;
}

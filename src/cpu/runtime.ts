// The CPU fallback: the same ops and results as the WebGPU backend, in plain JavaScript.
import { planBackward, planForward } from '../softmax-plan.js';
import type { DataOf, DType, GumbelRuntime, GumbelSoftmaxBackwardOptions, GumbelSoftmaxOptions, GumbelSoftmaxOutputs, RngOptions, SoftmaxOutput, Tensor } from '../types.js';
import { checkNotInBatch, checkReadOutsideBatch, checkReadTarget, checkTensor, toShape, toStreamPosition } from '../validate.js';
import { newArray } from './arrays.js';
import { drawWords, forEachWord } from './philox.js';
import { gumbelSoftmaxBackwardCpu, gumbelSoftmaxCpu } from './gumbel-softmax.js';
import { gumbelFromBits64, uniformFromBits } from './transforms.js';

class CpuTensor<D extends DType = DType> implements Tensor<D> {
  #data: DataOf<D> | null;
  readonly size: number;
  constructor(
    readonly owner: CpuRuntime,
    readonly shape: readonly number[],
    readonly dtype: D,
    data: DataOf<D>,
  ) {
    this.#data = data;
    this.size = data.length;
  }
  get destroyed(): boolean {
    return this.#data === null;
  }
  /** The live contents, without a copy (ops read their inputs through this). */
  get data(): DataOf<D> {
    if (!this.#data) throw new TypeError('tensor was destroyed');
    return this.#data;
  }
  async read(into?: DataOf<D>): Promise<DataOf<D>> {
    this.owner.checkReadable();
    checkReadTarget(into, this.dtype, this.size);
    if (!into) return this.data.slice() as DataOf<D>;
    into.set(this.data);
    return into;
  }
  destroy(): void {
    this.#data = null;
  }
}

class CpuRuntime implements GumbelRuntime {
  readonly backend = 'cpu';
  readonly adapterInfo = null;
  readonly device = null;
  readonly usesSubgroups = false;
  readonly usesRowCache = false;
  readonly usesStash = false;
  readonly usesRowSplit = false;
  readonly usesRowPerInvocation = false;
  readonly usesPhiloxFloatProducts = false;
  #destroyed = false;
  /** The outputs of the ops called while a batch runs (destroyed if it throws), or null outside a batch. */
  #batchOutputs: CpuTensor[] | null = null;

  assertUsable(): void {
    if (this.#destroyed) throw new Error('gumbel-webgpu: this runtime was destroyed');
  }

  /** As the WebGPU backend's: a read inside a batch rejects there, so it rejects here too. */
  checkReadable(): void {
    this.assertUsable();
    checkReadOutsideBatch(this.#batchOutputs !== null);
  }

  isOwn = (t: unknown): t is CpuTensor => t instanceof CpuTensor && t.owner === this;

  tensor(data: Float32Array, shape?: readonly number[]): Tensor<'f32'>;
  tensor(data: Uint32Array, shape?: readonly number[]): Tensor<'u32'>;
  tensor(data: Float32Array | Uint32Array, shape?: readonly number[]): Tensor {
    this.assertUsable();
    const dtype = dtypeOf(data);
    const s = toShape('shape', shape ?? [data.length]);
    if (s.size !== data.length) throw new RangeError(`shape [${s.shape}] has ${s.size} elements but data has ${data.length}`);
    return dtype === 'f32' ? new CpuTensor(this, s.shape, 'f32', (data as Float32Array).slice()) : new CpuTensor(this, s.shape, 'u32', (data as Uint32Array).slice());
  }

  tensorFromBuffer(): never {
    throw new TypeError('tensorFromBuffer: the CPU backend has no GPU buffers; upload data with tensor()');
  }

  bufferOf(): never {
    throw new TypeError('bufferOf: the CPU backend has no GPU buffers; read the tensor with read()');
  }

  async randomBits(shape: readonly number[], rng: RngOptions): Promise<Tensor<'u32'>> {
    this.assertUsable();
    const s = toShape('shape', shape);
    return this.#output(s.shape, 'u32', drawWords(s.size, toStreamPosition(rng)));
  }

  async uniform(shape: readonly number[], rng: RngOptions): Promise<Tensor<'f32'>> {
    return this.#mapDraw(shape, rng, uniformFromBits);
  }

  async gumbel(shape: readonly number[], rng: RngOptions): Promise<Tensor<'f32'>> {
    return this.#mapDraw(shape, rng, gumbelFromBits64);
  }

  async gumbelFromBits(bits: Tensor<'u32'>): Promise<Tensor<'f32'>> {
    this.assertUsable();
    const t = checkTensor('bits', bits, this.isOwn, 'u32');
    const words = t.data as Uint32Array;
    const out = new Float32Array(words.length);
    for (let i = 0; i < words.length; i++) out[i] = gumbelFromBits64(words[i]!);
    return this.#output(t.shape, 'f32', out);
  }

  async gumbelSoftmax<O extends SoftmaxOutput = 'y' | 'index'>(
    logits: Tensor<'f32'>,
    options: GumbelSoftmaxOptions & { outputs?: readonly O[] },
  ): Promise<Pick<GumbelSoftmaxOutputs, O>> {
    this.assertUsable();
    const plan = planForward(logits, options, this.isOwn);
    const taus = plan.tauTensor ? (plan.tauTensor.data as Float32Array) : null;
    const out = gumbelSoftmaxCpu(plan, plan.logits.data as Float32Array, taus);
    const result: Partial<GumbelSoftmaxOutputs> = {};
    if (out.y) result.y = this.#output(plan.outShape, 'f32', out.y);
    if (out.logSoftmax) result.logSoftmax = this.#output(plan.outShape, 'f32', out.logSoftmax);
    if (out.index) result.index = this.#output(plan.indexShape, 'u32', out.index);
    return result as Pick<GumbelSoftmaxOutputs, O>;
  }

  async gumbelSoftmaxBackward(options: GumbelSoftmaxBackwardOptions): Promise<Tensor<'f32'>> {
    this.assertUsable();
    const plan = planBackward(options, this.isOwn);
    const f32 = (t: CpuTensor | null) => (t ? (t.data as Float32Array) : null);
    const grad = gumbelSoftmaxBackwardCpu(plan, plan.logits.data as Float32Array, f32(plan.tauTensor), f32(plan.dy), f32(plan.dLogSoftmax));
    return this.#output(plan.logits.shape, 'f32', grad);
  }

  /**
   * Runs `work` at once (there is nothing to encode), with the WebGPU backend's rules, so that code written
   * against the fallback holds on a GPU: batches do not nest, reads inside reject, and if `work` throws, the
   * outputs of its ops are destroyed.
   */
  async batch<T>(work: () => Promise<T>): Promise<T> {
    this.assertUsable();
    checkNotInBatch(this.#batchOutputs !== null);
    const outputs: CpuTensor[] = [];
    this.#batchOutputs = outputs;
    try {
      return await work();
    } catch (e) {
      for (const t of outputs) t.destroy();
      throw e;
    } finally {
      this.#batchOutputs = null;
    }
  }

  poolStats() {
    return { created: 0, inUse: 0, pending: 0, free: 0, freeBytes: 0 };
  }

  destroy(): void {
    this.#destroyed = true;
  }

  #mapDraw(shape: readonly number[], rng: RngOptions, f: (word: number) => number): Tensor<'f32'> {
    this.assertUsable();
    const s = toShape('shape', shape);
    const out = newArray(Float32Array, s.size);
    forEachWord(s.size, toStreamPosition(rng), (i, w) => {
      out[i] = f(w);
    });
    return this.#output(s.shape, 'f32', out);
  }

  /** An op's output tensor (not an upload's), kept for the running batch. */
  #output<D extends DType>(shape: readonly number[], dtype: D, data: DataOf<D>): CpuTensor<D> {
    const t = new CpuTensor(this, shape, dtype, data);
    this.#batchOutputs?.push(t);
    return t;
  }
}

export function dtypeOf(data: unknown): DType {
  if (data instanceof Float32Array) return 'f32';
  if (data instanceof Uint32Array) return 'u32';
  throw new TypeError(`data must be a Float32Array or a Uint32Array, got ${(data as object)?.constructor?.name ?? String(data)}`);
}

export function createCpuRuntime(): GumbelRuntime {
  return new CpuRuntime();
}

/** Element types a tensor can hold. */
export type DType = 'f32' | 'u32';

/** The typed array a tensor of a given dtype reads back as. */
export type DataOf<D extends DType> = D extends 'f32' ? Float32Array : Uint32Array;

/** A 64-bit unsigned integer: a non-negative safe-integer `number` or a `bigint` in [0, 2^64). */
export type U64 = number | bigint;

/**
 * Where a draw starts in the Philox stream (README, "Random streams"). There is no hidden global seed:
 * the same `{ seed, stream, offset }` always gives the same numbers, on either backend.
 */
export interface RngOptions {
  seed: U64;
  /** Independent sub-stream; default 0. */
  stream?: U64;
  /** Position of the first word in the stream; default 0. */
  offset?: U64;
}

/** A dense, row-major array on one runtime's backend. */
export interface Tensor<D extends DType = DType> {
  readonly shape: readonly number[];
  readonly dtype: D;
  /** Number of elements: the product of the shape. */
  readonly size: number;
  /** True after destroy(). */
  readonly destroyed: boolean;
  /**
   * Copies the contents out. Rejects after destroy(). Reading twice gives the same data twice. With `into`
   * (a Float32Array for f32, a Uint32Array for u32, of exactly `size` elements) the contents are copied
   * there and `into` is returned: reusing one array avoids allocating fresh memory on every read.
   */
  read(into?: DataOf<D>): Promise<DataOf<D>>;
  /** Frees the storage (returns it to the runtime's pool). Destroying twice is a no-op. */
  destroy(): void;
}

export type BackendName = 'webgpu' | 'cpu';

/** The adapter a WebGPU runtime runs on, as the browser or Dawn reports it. */
export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

/** The outputs gumbelSoftmax can write. */
export type SoftmaxOutput = 'y' | 'logSoftmax' | 'index';

/** Options of the forward; see the README, "Gumbel-Softmax", for the exact semantics. */
export interface GumbelSoftmaxOptions extends RngOptions {
  /** Temperature: a number, or an f32 tensor of shape [...batch] with one temperature per row. */
  tau: number | Tensor<'f32'>;
  /** y = one_hot(index) instead of the soft sample; default false. */
  hard?: boolean;
  /** S samples per row; when given, every output gets a leading axis of size S. Default 1 (no axis). */
  samples?: number;
  /** Which outputs to compute (only these are written), each listed once; default ['y', 'index']. */
  outputs?: readonly SoftmaxOutput[];
}

export interface GumbelSoftmaxOutputs {
  /** The soft sample exp(logSoftmax), or one_hot(index) when hard: shape [S?, ...batch, K]. */
  y: Tensor<'f32'>;
  /** z - logsumexp(z) over the last axis, z = (logits + g) / tau: shape [S?, ...batch, K]. */
  logSoftmax: Tensor<'f32'>;
  /** argmax over k of z, lowest k on a tie (0xFFFFFFFF for an invalid row): shape [S?, ...batch]. */
  index: Tensor<'u32'>;
}

/** Options of the backward: the forward's logits, tau, rng and samples, and at least one upstream gradient. */
export interface GumbelSoftmaxBackwardOptions extends RngOptions {
  logits: Tensor<'f32'>;
  tau: number | Tensor<'f32'>;
  samples?: number;
  /** Accepted for symmetry with the forward: the straight-through gradient is the soft one. */
  hard?: boolean;
  /** Gradient with respect to y (shape of y). */
  dy?: Tensor<'f32'>;
  /** Gradient with respect to logSoftmax (shape of logSoftmax). */
  dLogSoftmax?: Tensor<'f32'>;
}

export interface CreateOptions {
  /** 'auto' (default): WebGPU when an adapter is found, else the CPU. 'webgpu': reject when unavailable. 'cpu': the CPU fallback. */
  backend?: 'auto' | BackendName;
  /** Run on this device instead of requesting one. Its lifetime stays the caller's: destroy() does not destroy it. */
  device?: GPUDevice;
  /** Request the adapter from this GPU object (default `navigator.gpu`; in Node, the `webgpu` package's `create([])`). */
  gpu?: GPU;
  /**
   * Use subgroup reductions when the adapter has the `subgroups` feature and WGSL's `subgroup_id`
   * (default true). false selects the shared-memory reductions, to compare or to test them.
   */
  subgroups?: boolean;
  /**
   * Keep the first part of each long row in workgroup memory between the two passes of the Gumbel-Softmax
   * kernels (rows split across workgroups excepted) instead of holding it in registers, stashing or
   * regenerating it (default false:
   * measured slower on SwiftShader and on an NVIDIA H100, where the memory it takes lowers occupancy; see
   * README "Performance").
   */
  rowCache?: boolean;
  /**
   * Keep v = logit + noise of the elements that neither registers (rows of up to 4096 per workgroup; rows of
   * at most 4 Philox blocks, K <= 13, by invocation) nor the row cache hold in the output buffer between the
   * two passes (the stash: one more write and read of it), instead of reading the logits again and
   * regenerating the noise (default true; see README "Performance").
   */
  stash?: boolean;
  /**
   * Spread long rows over several workgroups each when there are too few rows to fill the GPU (two
   * dispatches with the rows' partial states between them). Default true, except on adapters that run on
   * the CPU (SwiftShader), where more workgroups only added time (splitting 8 x 65536: 2.6x slower; see
   * README "Performance").
   */
  rowSplit?: boolean;
  /**
   * Give rows longer than 64 one invocation each, as short rows, instead of a workgroup each, in dispatches
   * of at least 4 rows (fewer always get workgroups); such an invocation sums each run of 256 elements on
   * its own and merges those sums in order, to keep the rounding within README "Accuracy". Default: true on
   * adapters that run on the CPU (SwiftShader), where the workgroup-per-row kernels (barriers, reductions)
   * ran several times slower (1024 x 1024: 454 against 52 ms), false elsewhere, where one invocation per
   * long row would leave most of a GPU idle (on an NVIDIA H100, 9x to 420x slower from 4096 x 4096 to
   * 32 x 262144; see README "Performance").
   */
  rowPerInvocation?: boolean;
  /**
   * Compute the high words of Philox's 32 x 32-bit products with f32 arithmetic instead of 16-bit limbs and
   * shifts: the same words, bit for bit. Default: true on adapters that run on the CPU (SwiftShader), whose
   * Subzero code generator runs every vector shift one lane at a time (through Dawn here, every op at
   * 256 x 32768 took 17-26% less time with it; README "Choices measured"), false elsewhere, where a shift is
   * one instruction and the f32 form adds conversions (on an NVIDIA H200 its earlier form took Philox alone
   * 1.38x the time, the forward soft 1.04-1.18x). Checked at creation, once per device:
   * 16384 words drawn with the f32 form are compared with the CPU backend's; where any differ, the kernels take
   * limbs (usesPhiloxFloatProducts false) by default, and createGumbel rejects when this option is true.
   */
  philoxFloatProducts?: boolean;
}

/** Counters of the WebGPU buffer pool (all zero on the CPU backend). */
export interface PoolStats {
  /** Buffers created over the runtime's life. */
  created: number;
  /** Buffers held by live tensors or by work being encoded. */
  inUse: number;
  /** Released buffers waiting for the next submit before they can be reused. */
  pending: number;
  /** Released buffers kept for reuse. */
  free: number;
  /** Bytes in those free buffers. */
  freeBytes: number;
}

/** One backend's implementation of every op; both backends give the same results (README, "Accuracy"). */
export interface GumbelRuntime {
  readonly backend: BackendName;
  /** The adapter, or null on the CPU backend. */
  readonly adapterInfo: AdapterDescription | null;
  /** The device the WebGPU backend runs on, or null on the CPU backend. */
  readonly device: GPUDevice | null;
  /** Whether row reductions use subgroup operations (see CreateOptions.subgroups); false on the CPU. */
  readonly usesSubgroups: boolean;
  /** Whether long rows are cached in workgroup memory (see CreateOptions.rowCache); false on the CPU. */
  readonly usesRowCache: boolean;
  /** Whether long rows past the row cache are stashed in the output buffer (see CreateOptions.stash); false on the CPU. */
  readonly usesStash: boolean;
  /** Whether few long rows are spread over several workgroups each (see CreateOptions.rowSplit); false on the CPU. */
  readonly usesRowSplit: boolean;
  /** Whether long rows get one invocation each (see CreateOptions.rowPerInvocation); false on the CPU. */
  readonly usesRowPerInvocation: boolean;
  /** Whether Philox's products take f32 arithmetic (see CreateOptions.philoxFloatProducts); false on the CPU. */
  readonly usesPhiloxFloatProducts: boolean;

  /** Uploads data (length must equal the product of shape; shape defaults to [data.length]). */
  tensor(data: Float32Array, shape?: readonly number[]): Tensor<'f32'>;
  tensor(data: Uint32Array, shape?: readonly number[]): Tensor<'u32'>;

  /**
   * WebGPU only: a tensor over the first `size * 4` bytes of the caller's buffer (which must be of this runtime's
   * `device` and have STORAGE usage; COPY_SRC too for read()), without a copy. Ops read it as an input after
   * whatever the caller submitted before the call. The buffer stays the caller's: destroy() only detaches it.
   * The CPU backend throws a TypeError.
   */
  tensorFromBuffer(buffer: GPUBuffer, shape: readonly number[], dtype?: 'f32'): Tensor<'f32'>;
  tensorFromBuffer(buffer: GPUBuffer, shape: readonly number[], dtype: 'u32'): Tensor<'u32'>;
  /**
   * WebGPU only: the GPUBuffer holding a live tensor of this runtime, its elements in the first `size * 4` bytes
   * (an output's buffer comes from the pool: it may be larger, it has STORAGE, COPY_SRC and COPY_DST usage, and it
   * returns to the pool, to be reused, when the tensor is destroyed). An op's work is submitted by the time its
   * promise resolves (a batch's, by the time the batch resolves): work the caller submits after that sees its
   * outputs. The CPU backend throws a TypeError.
   */
  bufferOf(tensor: Tensor): GPUBuffer;

  /** The raw 32-bit Philox4x32-10 words of a draw. */
  randomBits(shape: readonly number[], rng: RngOptions): Promise<Tensor<'u32'>>;
  /** Uniform floats (floor(x / 2^9) + 0.5) * 2^-23 of the words x of a draw: exact, strictly inside (0, 1). */
  uniform(shape: readonly number[], rng: RngOptions): Promise<Tensor<'f32'>>;
  /** Standard Gumbel noise -ln(-ln u), u = (x + 0.5) / 2^32, of the words x of a draw: always finite. */
  gumbel(shape: readonly number[], rng: RngOptions): Promise<Tensor<'f32'>>;
  /** The Gumbel transform of given words (same shape): for checking the transform over chosen words. */
  gumbelFromBits(bits: Tensor<'u32'>): Promise<Tensor<'f32'>>;

  /**
   * Gumbel-Softmax over the last axis of logits [...batch, K], noise generated in the kernel.
   * Resolves to the requested outputs (default y and index).
   */
  gumbelSoftmax<O extends SoftmaxOutput = 'y' | 'index'>(
    logits: Tensor<'f32'>,
    options: GumbelSoftmaxOptions & { outputs?: readonly O[] },
  ): Promise<Pick<GumbelSoftmaxOutputs, O>>;

  /**
   * dLogits (shape of logits) = sum over samples of (1 / tau) [ p (dy - <dy, p>) + (dl - p sum(dl)) ],
   * p the soft sample recomputed from (logits, seed, stream, offset): nothing from the forward is kept.
   */
  gumbelSoftmaxBackward(options: GumbelSoftmaxBackwardOptions): Promise<Tensor<'f32'>>;

  /**
   * Runs `work`, whose ops are encoded into one command buffer and submitted once when it settles (a training
   * step's forward and backward in one submit). Reading a tensor inside rejects: its data is not computed yet.
   * If `work` throws or the GPU reports an error, nothing is submitted or the batch rejects, and every output of
   * the batch's ops is destroyed. Batches do not nest. While `work` runs, ops that other code calls on this
   * runtime join the batch and reads reject: await a batch before other work on its runtime. On the CPU
   * backend `work` runs at once under the same rules, so code that runs on the fallback runs on a GPU.
   */
  batch<T>(work: () => Promise<T>): Promise<T>;

  poolStats(): PoolStats;
  /** Frees the runtime's buffers (and its device, when it created it). Later calls reject. */
  destroy(): void;
}

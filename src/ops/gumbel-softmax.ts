// GPU dispatch of gumbelSoftmax and gumbelSoftmaxBackward. Rows of K <= SHORT_K get an invocation each
// (many rows per workgroup); longer rows get a workgroup each, reduced with subgroups where available.
import backwardKernel from '../../shaders/gumbel-softmax-backward.wgsl';
import backwardShortKernel from '../../shaders/gumbel-softmax-backward-short.wgsl';
import backwardSubgroupsKernel from '../../shaders/gumbel-softmax-backward-subgroups.wgsl';
import forwardKernel from '../../shaders/gumbel-softmax.wgsl';
import forwardShortKernel from '../../shaders/gumbel-softmax-short.wgsl';
import forwardSubgroupsKernel from '../../shaders/gumbel-softmax-subgroups.wgsl';
import type { GpuContext } from '../gpu/context.js';
import type { KernelSpec } from '../gpu/kernel-spec.js';
import type { Bindings } from '../gpu/kernels.js';
import type { BackwardPlan, SoftmaxPlan } from '../softmax-plan.js';

/** Longest row handled one invocation per row (the short kernels' SHORT_BLOCKS covers it). */
export const SHORT_K = 64;

const split = (x: bigint): [number, number] => [Number(x & 0xffffffffn), Number(x >> 32n)];

function pickKernel(ctx: GpuContext, K: number, short: KernelSpec, tree: KernelSpec, subgroups: KernelSpec): KernelSpec {
  if (K <= SHORT_K) return short;
  return ctx.subgroups ? subgroups : tree;
}

function softmaxParams(plan: SoftmaxPlan, firstRow: number, rows: number, outBase: number, indexBase: number) {
  return {
    key: split(plan.pos.seed),
    stream: split(plan.pos.stream),
    base: split(plan.pos.offset),
    first_row: firstRow,
    rows,
    batch_rows: plan.R,
    k: plan.K,
    tau: plan.tau ?? 1,
    out_base: outBase,
    index_base: indexBase,
  };
}

/**
 * Invocations per row for the workgroup-per-row kernels (their WG override): about four Philox blocks per
 * invocation, a power of two from 32 to 256, so mid-length rows do not leave most of a workgroup idle.
 */
export function rowWorkgroupSize(K: number): number {
  const blocks = Math.ceil(K / 4) + 1;
  return Math.min(256, Math.max(32, 2 ** Math.ceil(Math.log2(blocks / 4))));
}

/** Bytes of one RowState (softmax-row.wgsl), the element of the reduction scratch arrays. */
const ROW_STATE_BYTES = 32;

/**
 * Elements of a row that the workgroup-memory cache (row-cache.wgsl) holds: what the device's workgroup
 * storage leaves after the reduction scratch, over `arrays` cached arrays (v; and dy, dl in the backward),
 * capped at the next power of two >= K so short rows do not claim memory they cannot use.
 */
export function rowCacheFloats(device: GPUDevice, K: number, wg: number, subgroups: boolean, arrays: number): number {
  const scratch = (subgroups ? wg / 4 : wg) * ROW_STATE_BYTES;
  const fit = Math.floor((device.limits.maxComputeWorkgroupStorageSize - scratch) / (16 * arrays)) * 4;
  return Math.max(4, Math.min(fit, 2 ** Math.ceil(Math.log2(K))));
}

/** Encodes `rows` rows: an invocation each for short kernels (WG rows per workgroup), a workgroup each otherwise. */
function dispatchRows(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  spec: KernelSpec,
  buffers: Bindings,
  K: number,
  rows: number,
  constants: Record<string, number>,
  cachedArrays: number,
): void {
  if (K <= SHORT_K) {
    ctx.dispatch(encoder, spec, buffers, rows, constants);
    return;
  }
  const wg = rowWorkgroupSize(K);
  const cache = ctx.rowCache ? rowCacheFloats(ctx.device, K, wg, ctx.subgroups, cachedArrays) : 4; // 4: the smallest array
  ctx.dispatchGroups(encoder, spec, buffers, rows, { ...constants, WG: wg, CACHE_FLOATS: cache });
}

export interface ForwardBuffers {
  logits: GPUBuffer;
  taus: GPUBuffer | null;
  y: GPUBuffer | null;
  logSoftmax: GPUBuffer | null;
  index: GPUBuffer | null;
}

/**
 * Encodes the forward. Outputs larger than one binding (maxStorageBufferBindingSize) are written in chunks
 * of sample-rows, each bound as an aligned range with the kernel indexing relative to its start.
 */
export function encodeGumbelSoftmax(ctx: GpuContext, encoder: GPUCommandEncoder, plan: SoftmaxPlan & { hard: boolean }, b: ForwardBuffers): void {
  const rows = plan.S * plan.R;
  if (rows === 0) return;
  const spec = pickKernel(ctx, plan.K, forwardShortKernel, forwardKernel, forwardSubgroupsKernel);
  const { maxStorageBufferBindingSize: limit, minStorageBufferOffsetAlignment: align } = ctx.device.limits;
  const rowBytes = plan.K * 4;
  const chunk = rows * rowBytes <= limit ? rows : Math.floor((limit - align) / rowBytes);
  if (chunk < 1) throw new RangeError(`a row of ${plan.K} elements does not fit in one binding of ${limit} bytes`);
  const constants = {
    TAU_PER_ROW: Number(b.taus !== null),
    WRITE_Y: Number(b.y !== null),
    WRITE_LOG_SOFTMAX: Number(b.logSoftmax !== null),
    WRITE_INDEX: Number(b.index !== null),
    HARD: Number(plan.hard),
  };
  for (let g0 = 0; g0 < rows; g0 += chunk) {
    const g1 = Math.min(rows, g0 + chunk);
    const range = (buffer: GPUBuffer | null, name: string, first: number, end: number) =>
      buffer ? ctx.elementRange(buffer, first, end) : { binding: ctx.unused(name), base: 0 };
    const y = range(b.y, 'y_out', g0 * plan.K, g1 * plan.K);
    const logSoftmax = range(b.logSoftmax, 'log_softmax_out', g0 * plan.K, g1 * plan.K);
    const index = range(b.index, 'index_out', g0, g1);
    const params = softmaxParams(plan, g0, g1 - g0, b.y ? y.base : logSoftmax.base, index.base);
    const buffers = {
      params: ctx.uniforms(spec, params),
      logits: b.logits,
      taus: b.taus ?? ctx.unused('taus'),
      y_out: y.binding,
      log_softmax_out: logSoftmax.binding,
      index_out: index.binding,
    };
    dispatchRows(ctx, encoder, spec, buffers, plan.K, g1 - g0, constants, 1);
  }
}

export interface BackwardBuffers {
  logits: GPUBuffer;
  taus: GPUBuffer | null;
  dy: GPUBuffer | null;
  dLogSoftmax: GPUBuffer | null;
  dLogits: GPUBuffer;
}

/**
 * One dispatch per sample, each after the first adding into dLogits (dispatches are ordered). Upstream
 * gradients larger than one binding are bound one sample's range at a time.
 */
export function encodeGumbelSoftmaxBackward(ctx: GpuContext, encoder: GPUCommandEncoder, plan: BackwardPlan, b: BackwardBuffers): void {
  if (plan.R === 0) return;
  const spec = pickKernel(ctx, plan.K, backwardShortKernel, backwardKernel, backwardSubgroupsKernel);
  const { maxStorageBufferBindingSize: limit, minStorageBufferOffsetAlignment: align } = ctx.device.limits;
  const sampleElements = plan.R * plan.K;
  const whole = plan.S * sampleElements * 4 <= limit;
  if (!whole && sampleElements * 4 + align > limit) {
    throw new RangeError(`one sample of the upstream gradient (${sampleElements * 4} bytes) does not fit in one binding of ${limit} bytes`);
  }
  for (let s = 0; s < plan.S; s++) {
    const range = (buffer: GPUBuffer | null, name: string) =>
      !buffer ? { binding: ctx.unused(name), base: 0 } : whole ? { binding: buffer, base: 0 } : ctx.elementRange(buffer, s * sampleElements, (s + 1) * sampleElements);
    const dy = range(b.dy, 'dy');
    const dl = range(b.dLogSoftmax, 'dl');
    const buffers = {
      params: ctx.uniforms(spec, softmaxParams(plan, s * plan.R, plan.R, b.dy ? dy.base : dl.base, 0)),
      logits: b.logits,
      taus: b.taus ?? ctx.unused('taus'),
      dy: dy.binding,
      dl: dl.binding,
      d_logits: b.dLogits,
    };
    const constants = {
      TAU_PER_ROW: Number(b.taus !== null),
      HAS_DY: Number(b.dy !== null),
      HAS_DL: Number(b.dLogSoftmax !== null),
      ACCUMULATE: Number(s > 0),
    };
    dispatchRows(ctx, encoder, spec, buffers, plan.K, plan.R, constants, 3);
  }
}

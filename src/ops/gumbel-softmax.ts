// GPU dispatch of gumbelSoftmax and gumbelSoftmaxBackward. Rows of K <= SHORT_K get an invocation each
// (many rows per workgroup), and so do longer rows on adapters that run on the CPU (rowsByInvocation); other
// rows get a workgroup each, reduced with subgroups where available, or, when there are too few rows to fill
// the GPU, several workgroups each (chooseRowSplit).
import backwardKernel from '../../shaders/gumbel-softmax-backward.wgsl';
import backwardAlignedKernel from '../../shaders/gumbel-softmax-backward.wgsl?aligned';
import backwardByInvocationKernel from '../../shaders/gumbel-softmax-backward-by-invocation.wgsl';
import backwardByInvocationAlignedKernel from '../../shaders/gumbel-softmax-backward-by-invocation.wgsl?aligned';
import backwardSubgroupsKernel from '../../shaders/gumbel-softmax-backward-subgroups.wgsl';
import backwardSubgroupsAlignedKernel from '../../shaders/gumbel-softmax-backward-subgroups.wgsl?aligned';
import forwardKernel from '../../shaders/gumbel-softmax.wgsl';
import forwardAlignedKernel from '../../shaders/gumbel-softmax.wgsl?aligned';
import forwardByInvocationKernel from '../../shaders/gumbel-softmax-by-invocation.wgsl';
import forwardByInvocationAlignedKernel from '../../shaders/gumbel-softmax-by-invocation.wgsl?aligned';
import forwardSubgroupsKernel from '../../shaders/gumbel-softmax-subgroups.wgsl';
import forwardSubgroupsAlignedKernel from '../../shaders/gumbel-softmax-subgroups.wgsl?aligned';
import type { GpuContext } from '../gpu/context.js';
import type { KernelSpec } from '../gpu/kernel-spec.js';
import type { Bindings, ParamValues } from '../gpu/kernels.js';
import type { BackwardPlan, SoftmaxPlan } from '../softmax-plan.js';
import { chooseRowSplit, fewBlocks, holdsRows, invocationWorkgroupSize, ROW_STATE_BYTES, rowCacheFloats, rowsByInvocation, rowWorkgroupSize, SHORT_K, WHOLE_ROWS } from './row-layout.js';

const halves = (x: bigint): [number, number] => [Number(x & 0xffffffffn), Number(x >> 32n)];

/** One direction's kernels: an invocation per row; a workgroup per row with tree or subgroup reductions. */
interface RowKernels {
  byInvocation: KernelSpec;
  tree: KernelSpec;
  subgroups: KernelSpec;
}

const FORWARD: RowKernels = { byInvocation: forwardByInvocationKernel, tree: forwardKernel, subgroups: forwardSubgroupsKernel };
const BACKWARD: RowKernels = { byInvocation: backwardByInvocationKernel, tree: backwardKernel, subgroups: backwardSubgroupsKernel };
// The same kernels with their row data bound as vec4s, for rows aligned to 4 (rowsAligned).
const FORWARD_ALIGNED: RowKernels = { byInvocation: forwardByInvocationAlignedKernel, tree: forwardAlignedKernel, subgroups: forwardSubgroupsAlignedKernel };
const BACKWARD_ALIGNED: RowKernels = {
  byInvocation: backwardByInvocationAlignedKernel,
  tree: backwardAlignedKernel,
  subgroups: backwardSubgroupsAlignedKernel,
};

interface Bases {
  out: number;
  index: number;
  logit: number;
  tau: number;
}

/** The kernels' parameters (SoftmaxParams in softmax-row.wgsl) but the row split, which dispatchRows adds. */
function softmaxParams(plan: SoftmaxPlan, firstRow: number, rows: number, bases: Bases): ParamValues {
  return {
    key: halves(plan.pos.seed),
    stream: halves(plan.pos.stream),
    base: halves(plan.pos.offset),
    first_row: firstRow,
    rows,
    batch_rows: plan.R,
    k: plan.K,
    tau: plan.tau ?? 1,
    out_base: bases.out,
    index_base: bases.index,
    logit_base: bases.logit,
    tau_base: bases.tau,
  };
}

/** The stream position mod 4 of sample-row g's first element (its lead), from position offset + g K. */
function rowLead(plan: SoftmaxPlan, g: number): number {
  return Number((plan.pos.offset + BigInt(g) * BigInt(plan.K)) & 3n);
}

/**
 * Encodes `rows` rows with one of `kernels`: an invocation each (WG rows per workgroup); a workgroup each;
 * or, when split, two dispatches of split.chunks workgroups per row with a scratch buffer of partial row
 * states between them (row-split.wgsl). firstLead: rowLead of the dispatch's first row.
 */
function dispatchRows(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  kernels: RowKernels,
  buffers: Bindings,
  params: ParamValues,
  K: number,
  rows: number,
  firstLead: number,
  constants: Record<string, number>,
  cachedArrays: number,
): void {
  const byInvocation = rowsByInvocation(rows, K, ctx.rowPerInvocation);
  const spec = byInvocation ? kernels.byInvocation : ctx.subgroups ? kernels.subgroups : kernels.tree;
  const split = !byInvocation && ctx.rowSplit ? chooseRowSplit(rows, K) : WHOLE_ROWS;
  const bindings = { ...buffers, params: ctx.uniforms(spec, { ...params, chunks: split.chunks, chunk_blocks: split.chunkBlocks }) };
  if (byInvocation) {
    const wg = invocationWorkgroupSize(K, rows);
    const few = fewBlocks(K, firstLead, rows);
    ctx.dispatchGroups(encoder, spec, bindings, Math.ceil(rows / wg), { ...constants, WG: wg, SEGMENTED: Number(K > SHORT_K), FEW_BLOCKS: few });
    return;
  }
  const wg = rowWorkgroupSize(K);
  if (split.chunks === 1) {
    const cache = ctx.rowCache ? rowCacheFloats(ctx.device, K, wg, ctx.subgroups, cachedArrays) : 4; // 4: the smallest array
    const hold = Number(!ctx.rowCache && holdsRows(K, wg));
    ctx.dispatchGroups(encoder, spec, { ...bindings, partials: ctx.unused('partials') }, rows, { ...constants, WG: wg, CACHE_FLOATS: cache, HOLD: hold });
    return;
  }
  // The row cache does not outlive a dispatch, so split rows keep v in the stash or regenerate it.
  const partials = ctx.scratch(rows * split.chunks * ROW_STATE_BYTES, `${spec.name} partials`);
  for (const phase of [1, 2]) {
    ctx.dispatchGroups(encoder, spec, { ...bindings, partials }, rows * split.chunks, { ...constants, WG: wg, CACHE_FLOATS: 4, SPLIT_PHASE: phase });
  }
}

export interface ForwardBuffers {
  logits: GPUBuffer;
  taus: GPUBuffer | null;
  y: GPUBuffer | null;
  logSoftmax: GPUBuffer | null;
  index: GPUBuffer | null;
}

/** A run of sample-rows [g0, g1) encoded by one dispatch; r0 = g0 mod R. */
interface RowChunk {
  g0: number;
  g1: number;
  r0: number;
}

/**
 * Splits sample-rows [first, end) into dispatches whose bound ranges fit in one binding. When the logits
 * themselves are larger than a binding, a chunk stays within one sample so its logits rows are contiguous.
 */
function rowChunks(ctx: GpuContext, plan: SoftmaxPlan, first: number, end: number, whole: boolean, logitsWhole: boolean): RowChunk[] {
  const { maxStorageBufferBindingSize: limit, minStorageBufferOffsetAlignment: align } = ctx.device.limits;
  if (whole) return [{ g0: first, g1: end, r0: first % plan.R }];
  const n = Math.floor((limit - align) / (plan.K * 4));
  if (n < 1) throw new RangeError(`a row of ${plan.K} elements does not fit in one binding of ${limit} bytes`);
  const chunks: RowChunk[] = [];
  for (let g0 = first; g0 < end; ) {
    const r0 = g0 % plan.R;
    const g1 = Math.min(end, g0 + n, logitsWhole ? end : g0 + plan.R - r0);
    chunks.push({ g0, g1, r0 });
    g0 = g1;
  }
  return chunks;
}

/**
 * The binding of elements [first, end) of a buffer, and the element index where it starts: the whole buffer
 * when `whole` (everything fits one binding), the placeholder for binding `name` when there is no buffer.
 */
function bindRange(ctx: GpuContext, buffer: GPUBuffer | null, name: string, whole: boolean, first: number, end: number) {
  if (!buffer) return { binding: ctx.unused(name), base: 0 };
  return whole ? { binding: buffer, base: 0 } : ctx.elementRange(buffer, first, end);
}

/** The bindings of logits-shaped buffers (logits, dLogits) and taus for a chunk, and their bases. */
function logitBindings(ctx: GpuContext, plan: SoftmaxPlan, c: RowChunk, logitsWhole: boolean, logits: GPUBuffer, taus: GPUBuffer | null) {
  const r1 = c.r0 + (c.g1 - c.g0);
  return {
    logits: bindRange(ctx, logits, 'logits', logitsWhole, c.r0 * plan.K, r1 * plan.K),
    taus: bindRange(ctx, taus, 'taus', logitsWhole, c.r0, r1),
  };
}

/**
 * Whether a chunk's rows may take the aligned kernels (forward-rows-aligned.wgsl): when K, the stream offset
 * and the bases of the bound ranges are multiples of 4, every row starts a Philox block and an aligned vec4 in
 * each buffer, and every block lies inside its row. The bases are multiples of 64 here (ranges start at
 * multiples of minStorageBufferOffsetAlignment), and each bound range then holds whole vec4s.
 */
function rowsAligned(plan: SoftmaxPlan, bases: Bases): boolean {
  return plan.K > 0 && plan.K % 4 === 0 && (plan.pos.offset & 3n) === 0n && bases.out % 4 === 0 && bases.logit % 4 === 0;
}

/**
 * Encodes the forward. Tensors larger than one binding (maxStorageBufferBindingSize) are handled in chunks of
 * sample-rows, each bound as an aligned range with the kernel indexing relative to its start.
 */
export function encodeGumbelSoftmax(ctx: GpuContext, encoder: GPUCommandEncoder, plan: SoftmaxPlan & { hard: boolean }, b: ForwardBuffers): void {
  const rows = plan.S * plan.R;
  if (rows === 0) return;
  const limit = ctx.device.limits.maxStorageBufferBindingSize;
  const logitsWhole = plan.R * plan.K * 4 <= limit;
  const whole = logitsWhole && rows * plan.K * 4 <= limit;
  const constants = {
    TAU_PER_ROW: Number(b.taus !== null),
    WRITE_Y: Number(b.y !== null),
    WRITE_LOG_SOFTMAX: Number(b.logSoftmax !== null),
    WRITE_INDEX: Number(b.index !== null),
    HARD: Number(plan.hard),
    STASH: Number(ctx.stash),
  };
  for (const c of rowChunks(ctx, plan, 0, rows, whole, logitsWhole)) {
    const y = bindRange(ctx, b.y, 'y_out', whole, c.g0 * plan.K, c.g1 * plan.K);
    const logSoftmax = bindRange(ctx, b.logSoftmax, 'log_softmax_out', whole, c.g0 * plan.K, c.g1 * plan.K);
    const index = bindRange(ctx, b.index, 'index_out', whole, c.g0, c.g1);
    const inputs = logitBindings(ctx, plan, c, logitsWhole, b.logits, b.taus);
    const bases = { out: b.y ? y.base : logSoftmax.base, index: index.base, logit: inputs.logits.base, tau: inputs.taus.base };
    const buffers = {
      logits: inputs.logits.binding,
      taus: inputs.taus.binding,
      y_out: y.binding,
      log_softmax_out: logSoftmax.binding,
      index_out: index.binding,
    };
    const chunkRows = c.g1 - c.g0;
    const kernels = rowsAligned(plan, bases) ? FORWARD_ALIGNED : FORWARD;
    dispatchRows(ctx, encoder, kernels, buffers, softmaxParams(plan, c.g0, chunkRows, bases), plan.K, chunkRows, rowLead(plan, c.g0), constants, 1);
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
 * One dispatch per sample (or per chunk of one, when the logits are larger than a binding), each after the
 * first sample adding into dLogits (dispatches are ordered).
 */
export function encodeGumbelSoftmaxBackward(ctx: GpuContext, encoder: GPUCommandEncoder, plan: BackwardPlan, b: BackwardBuffers): void {
  if (plan.R === 0) return;
  const limit = ctx.device.limits.maxStorageBufferBindingSize;
  const logitsWhole = plan.R * plan.K * 4 <= limit;
  const gradsWhole = plan.S * plan.R * plan.K * 4 <= limit;
  for (let s = 0; s < plan.S; s++) {
    const constants = {
      TAU_PER_ROW: Number(b.taus !== null),
      HAS_DY: Number(b.dy !== null),
      HAS_DL: Number(b.dLogSoftmax !== null),
      ACCUMULATE: Number(s > 0),
      STASH: Number(ctx.stash),
    };
    for (const c of rowChunks(ctx, plan, s * plan.R, (s + 1) * plan.R, logitsWhole && gradsWhole, logitsWhole)) {
      const dy = bindRange(ctx, b.dy, 'dy', gradsWhole, c.g0 * plan.K, c.g1 * plan.K);
      const dl = bindRange(ctx, b.dLogSoftmax, 'dl', gradsWhole, c.g0 * plan.K, c.g1 * plan.K);
      const inputs = logitBindings(ctx, plan, c, logitsWhole, b.logits, b.taus);
      const dLogits = logitBindings(ctx, plan, c, logitsWhole, b.dLogits, null).logits; // same shape, same base
      const bases = { out: b.dy ? dy.base : dl.base, index: 0, logit: inputs.logits.base, tau: inputs.taus.base };
      const buffers = {
        logits: inputs.logits.binding,
        taus: inputs.taus.binding,
        dy: dy.binding,
        dl: dl.binding,
        d_logits: dLogits.binding,
      };
      const chunkRows = c.g1 - c.g0;
      const kernels = rowsAligned(plan, bases) ? BACKWARD_ALIGNED : BACKWARD;
      dispatchRows(ctx, encoder, kernels, buffers, softmaxParams(plan, c.g0, chunkRows, bases), plan.K, chunkRows, rowLead(plan, c.g0), constants, 3);
    }
  }
}

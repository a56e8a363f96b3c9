// GPU dispatch of the stream ops: randomBits, uniform and gumbel share shaders/draw.wgsl.
import drawKernel from '../../shaders/draw.wgsl';
import drawAlignedKernel from '../../shaders/draw.wgsl?aligned';
import gumbelFromBitsKernel from '../../shaders/gumbel-from-bits.wgsl';
import type { GpuContext } from '../gpu/context.js';
import type { StreamPosition } from '../validate.js';

/** draw.wgsl's TRANSFORM override. */
export const DRAW_TRANSFORM = { bits: 0, uniform: 1, gumbel: 2 } as const;
export type DrawTransform = keyof typeof DRAW_TRANSFORM;

const split = (x: bigint): [number, number] => [Number(x & 0xffffffffn), Number(x >> 32n)];

/** Elements per dispatch, so that each bound range fits in one binding. */
function chunkElements(ctx: GpuContext, n: number): number {
  const { maxStorageBufferBindingSize: limit, minStorageBufferOffsetAlignment: align } = ctx.device.limits;
  return n * 4 <= limit ? n : Math.floor((limit - align) / 4);
}

/**
 * Whether a chunk of a draw may store whole blocks as vec4s (draw.wgsl?aligned): it starts a Philox block, its
 * length is a multiple of 4, and its first element lies at a multiple of 4 in its binding (whose offset, a
 * multiple of minStorageBufferOffsetAlignment, is one of 32 bytes at least).
 */
function drawAligned(lead: number, count: number, outShift: number): boolean {
  return lead === 0 && count % 4 === 0 && outShift % 4 === 0;
}

/** Encodes n values of the stream at `pos` into `out` (u32 words or f32 bits), in chunks past one binding. */
export function encodeDraw(ctx: GpuContext, encoder: GPUCommandEncoder, out: GPUBuffer, n: number, pos: StreamPosition, transform: DrawTransform): void {
  const step = chunkElements(ctx, n);
  for (let i0 = 0; i0 < n; i0 += step) {
    const count = Math.min(step, n - i0);
    const range = step === n ? { binding: out, base: 0 } : ctx.elementRange(out, i0, i0 + count);
    const start = pos.offset + BigInt(i0);
    const lead = Number(start & 3n);
    const blocks = Math.ceil((lead + count) / 4);
    const outShift = i0 - range.base;
    const kernel = drawAligned(lead, count, outShift) ? drawAlignedKernel : drawKernel;
    const params = ctx.uniforms(kernel, {
      key: split(pos.seed),
      stream: split(pos.stream),
      first_block: split(start >> 2n),
      lead,
      n: count,
      blocks,
      out_shift: outShift,
    });
    ctx.dispatch(encoder, kernel, { draw: params, out: range.binding }, blocks, { TRANSFORM: DRAW_TRANSFORM[transform] });
  }
}

/** Encodes the Gumbel transform of n words, in chunks past one binding. */
export function encodeGumbelFromBits(ctx: GpuContext, encoder: GPUCommandEncoder, words: GPUBuffer, out: GPUBuffer, n: number): void {
  const step = chunkElements(ctx, n);
  for (let i0 = 0; i0 < n; i0 += step) {
    const count = Math.min(step, n - i0);
    const w = step === n ? { binding: words, base: 0 } : ctx.elementRange(words, i0, i0 + count);
    const o = step === n ? { binding: out, base: 0 } : ctx.elementRange(out, i0, i0 + count);
    const params = ctx.uniforms(gumbelFromBitsKernel, { n: count, shift: i0 - w.base }); // both ranges start alike
    ctx.dispatch(encoder, gumbelFromBitsKernel, { params, words: w.binding, out: o.binding }, count);
  }
}

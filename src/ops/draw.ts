// GPU dispatch of the stream ops: randomBits, uniform and gumbel share shaders/draw.wgsl.
import drawKernel from '../../shaders/draw.wgsl';
import gumbelFromBitsKernel from '../../shaders/gumbel-from-bits.wgsl';
import type { GpuContext } from '../gpu/context.js';
import type { StreamPosition } from '../validate.js';

/** draw.wgsl's TRANSFORM override. */
export const DRAW_TRANSFORM = { bits: 0, uniform: 1, gumbel: 2 } as const;
export type DrawTransform = keyof typeof DRAW_TRANSFORM;

const split = (x: bigint): [number, number] => [Number(x & 0xffffffffn), Number(x >> 32n)];

/** Encodes n values of the stream at `pos` into `out` (u32 words or f32 bits). */
export function encodeDraw(ctx: GpuContext, encoder: GPUCommandEncoder, out: GPUBuffer, n: number, pos: StreamPosition, transform: DrawTransform): void {
  if (n === 0) return;
  const lead = Number(pos.offset & 3n);
  const blocks = Math.ceil((lead + n) / 4);
  const params = ctx.uniforms(drawKernel, {
    key: split(pos.seed),
    stream: split(pos.stream),
    first_block: split(pos.offset >> 2n),
    lead,
    n,
    blocks,
  });
  ctx.dispatch(encoder, drawKernel, { draw: params, out }, blocks, { TRANSFORM: DRAW_TRANSFORM[transform] });
}

/** Encodes the Gumbel transform of n words. */
export function encodeGumbelFromBits(ctx: GpuContext, encoder: GPUCommandEncoder, words: GPUBuffer, out: GPUBuffer, n: number): void {
  if (n === 0) return;
  const params = ctx.uniforms(gumbelFromBitsKernel, { n });
  ctx.dispatch(encoder, gumbelFromBitsKernel, { params, words, out }, n);
}

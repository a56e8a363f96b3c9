// Philox4x32 on the CPU: the twin of shaders/philox.wgsl and shaders/stream.wgsl, bit for bit.
import type { StreamPosition } from '../validate.js';
import { newArray } from './arrays.js';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

const M0_LO = M0 & 0xffff;
const M0_HI = M0 >>> 16;
const M1_LO = M1 & 0xffff;
const M1_HI = M1 >>> 16;

/**
 * High 32 bits of a * b, as an int32, for a = ah * 2^16 + al and a 32-bit word b: the four 16 x 16-bit products
 * of shaders/philox.wgsl's mulhilo32, in int32 arithmetic (Math.imul), which V8 keeps in 32-bit registers
 * (about 3x faster per block in Node than products in doubles). Math.imul may wrap a product above 2^31
 * to a negative number; the sums stay exact doubles, and `>>>`, `&` and `| 0` read them mod 2^32, which is
 * exact because each true sum is below 2^32 (see the WGSL).
 */
function mulhi32(al: number, ah: number, b: number): number {
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const t = Math.imul(al, bh) + (Math.imul(al, bl) >>> 16);
  const u = Math.imul(ah, bl) + (t & 0xffff);
  return (Math.imul(ah, bh) + (t >>> 16) + (u >>> 16)) | 0;
}

/**
 * Philox4x32-R of one counter under one key, as Random123's philox4x32_R(R, ctr, key).
 * Writes the four output words into `out` (reused to avoid allocation in loops).
 */
export function philox4x32(
  c0: number, c1: number, c2: number, c3: number,
  k0: number, k1: number,
  out: Uint32Array, rounds = 10,
): Uint32Array {
  // Words as int32 from here on (the Uint32Array stores below read them back as unsigned).
  c0 |= 0;
  c1 |= 0;
  c2 |= 0;
  c3 |= 0;
  k0 |= 0;
  k1 |= 0;
  for (let r = 0; r < rounds; r++) {
    if (r > 0) {
      k0 = (k0 + W0) | 0;
      k1 = (k1 + W1) | 0;
    }
    const hi0 = mulhi32(M0_LO, M0_HI, c0);
    const lo0 = Math.imul(M0, c0);
    const hi1 = mulhi32(M1_LO, M1_HI, c2);
    const lo1 = Math.imul(M1, c2);
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  return out;
}

const lo32 = (x: bigint): number => Number(x & 0xffffffffn);
const hi32 = (x: bigint): number => Number((x >> 32n) & 0xffffffffn);

/** Calls visit(i, word) for the n words of a draw (the stream contract in the README), in order. */
export function forEachWord(n: number, pos: StreamPosition, visit: (i: number, word: number) => void): void {
  if (n === 0) return;
  const k0 = lo32(pos.seed);
  const k1 = hi32(pos.seed);
  const s0 = lo32(pos.stream);
  const s1 = hi32(pos.stream);
  const first = pos.offset >> 2n;
  let b0 = lo32(first);
  let b1 = hi32(first);
  const words = new Uint32Array(4);
  let lane = Number(pos.offset & 3n);
  for (let i = 0; i < n; ) {
    philox4x32(b0, b1, s0, s1, k0, k1, words);
    for (; lane < 4 && i < n; lane++, i++) visit(i, words[lane]!);
    lane = 0;
    b0 = (b0 + 1) >>> 0;
    if (b0 === 0) b1 = (b1 + 1) >>> 0; // the block counter is 64-bit and wraps at 2^64
  }
}

/** The n words of a draw. */
export function drawWords(n: number, pos: StreamPosition): Uint32Array {
  const out = newArray(Uint32Array, n);
  forEachWord(n, pos, (i, w) => {
    out[i] = w;
  });
  return out;
}

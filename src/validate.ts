// Checks shared by both backends: every public entry point validates before any work, arguments with a
// TypeError (wrong kind of value) or RangeError (right kind, wrong value) that names the argument, and the
// batch rules with one message on both.
import type { RngOptions, Tensor } from './types.js';

const TWO_64 = 1n << 64n;

/** The batch rules, the same on both backends (README, `rt.batch`): batches do not nest. */
export function checkNotInBatch(inBatch: boolean): void {
  if (inBatch) throw new Error('gumbel-webgpu: batch() calls do not nest');
}

/** ... and a read inside a batch rejects, since on WebGPU nothing is submitted until the batch settles. */
export function checkReadOutsideBatch(inBatch: boolean): void {
  if (inBatch) throw new Error('gumbel-webgpu: read() inside batch(): the batch is not submitted yet; read after it resolves');
}

/** A 64-bit unsigned integer argument as a bigint. */
export function toU64(name: string, value: unknown): bigint {
  if (typeof value === 'bigint') {
    if (value < 0n || value >= TWO_64) throw new RangeError(`${name} must be an integer in [0, 2^64), got ${value}n`);
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`${name} must be a non-negative safe integer (or a bigint below 2^64), got ${value}`);
    }
    return BigInt(value);
  }
  throw new TypeError(`${name} must be a number or a bigint, got ${describe(value)}`);
}

/** A draw's position: seed, stream and offset as bigints. */
export interface StreamPosition {
  seed: bigint;
  stream: bigint;
  offset: bigint;
}

/** The options of a draw (randomBits, uniform, gumbel). */
const RNG_KEYS: ReadonlySet<string> = new Set(['seed', 'stream', 'offset']);

/**
 * Throws when options object `obj` has a key outside `allowed`: a misspelt option (`hardd: true`) would
 * otherwise be ignored, and the call would silently do something else.
 */
export function checkOptionKeys(name: string, obj: object, allowed: ReadonlySet<string>): void {
  for (const key in obj) {
    if (!allowed.has(key)) throw new TypeError(`${name} has an unknown option ${JSON.stringify(key)}; allowed: ${[...allowed].join(', ')}`);
  }
}

/** The stream position of `rng`, whose keys must be among `allowed` (a draw's by default). */
export function toStreamPosition(rng: unknown, name = 'rng', allowed = RNG_KEYS): StreamPosition {
  if (typeof rng !== 'object' || rng === null) throw new TypeError(`${name} must be an object { seed, stream?, offset? }, got ${describe(rng)}`);
  checkOptionKeys(name, rng, allowed);
  const r = rng as RngOptions;
  if (r.seed === undefined) throw new TypeError(`${name}.seed is required: every draw is reproducible, there is no hidden global seed`);
  return {
    seed: toU64(`${name}.seed`, r.seed),
    stream: toU64(`${name}.stream`, r.stream ?? 0),
    offset: toU64(`${name}.offset`, r.offset ?? 0),
  };
}

/** Checks a shape (non-negative safe integers) and returns a frozen copy and its element count. */
export function toShape(name: string, shape: unknown): { shape: readonly number[]; size: number } {
  if (!Array.isArray(shape)) throw new TypeError(`${name} must be an array of non-negative integers, got ${describe(shape)}`);
  let size = 1;
  shape.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new RangeError(`${name}[${i}] must be a non-negative integer, got ${describe(d)}`);
    }
    size *= d;
  });
  if (!Number.isSafeInteger(size)) throw new RangeError(`${name} has ${size} elements, more than any backend can hold`);
  return { shape: Object.freeze([...shape]), size };
}

/** Checks that a value is a live tensor of this runtime with the given dtype; `expected` says what else the
 * argument may be, for the message. */
export function checkTensor<T extends Tensor>(name: string, value: unknown, isOwn: (t: unknown) => t is T, dtype?: 'f32' | 'u32', expected = 'a tensor'): T {
  if (!isOwn(value)) {
    const foreign = typeof value === 'object' && value !== null && 'dtype' in value && 'shape' in value;
    throw new TypeError(foreign ? `${name} is a tensor of another runtime or backend` : `${name} must be ${expected}, got ${describe(value)}`);
  }
  if (value.destroyed) throw new TypeError(`${name} was destroyed`);
  if (dtype && value.dtype !== dtype) throw new TypeError(`${name} must have dtype '${dtype}', got '${value.dtype}'`);
  return value;
}

/** Checks read()'s optional destination: the tensor's typed array, of exactly its size. */
export function checkReadTarget(into: unknown, dtype: 'f32' | 'u32', size: number): void {
  if (into === undefined) return;
  const type = dtype === 'f32' ? Float32Array : Uint32Array;
  if (!(into instanceof type)) throw new TypeError(`read(into): into must be a ${type.name} for a '${dtype}' tensor, got ${describe(into)}`);
  if (into.length !== size) throw new RangeError(`read(into): into has ${into.length} elements, the tensor ${size}`);
}

/** A value, named for an error message. */
export function describe(v: unknown): string {
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return v.constructor?.name ?? 'an object';
  return String(v);
}

// Float64 and BigInt references the implementations are held to. Written independently of src/.

export interface KatVector {
  rounds: number;
  counter: [number, number, number, number];
  key: [number, number];
  expected: [number, number, number, number];
}

/** Parses Random123 kat_vectors lines: `philox4x32 R c0 c1 c2 c3 k0 k1 e0 e1 e2 e3` (hex words). */
export function parseKat(text: string): KatVector[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('philox4x32 '))
    .map((l) => {
      const f = l.trim().split(/\s+/);
      const w = f.slice(2).map((h) => parseInt(h, 16));
      return { rounds: Number(f[1]), counter: [w[0]!, w[1]!, w[2]!, w[3]!], key: [w[4]!, w[5]!], expected: [w[6]!, w[7]!, w[8]!, w[9]!] };
    });
}

const MASK32 = 0xffffffffn;

/** Philox4x32-R in BigInt arithmetic, straight from the paper's definition. */
export function philoxBig(counter: readonly number[], key: readonly number[], rounds = 10): number[] {
  let c = counter.map(BigInt);
  let k = key.map(BigInt);
  for (let r = 0; r < rounds; r++) {
    if (r > 0) k = [(k[0]! + 0x9e3779b9n) & MASK32, (k[1]! + 0xbb67ae85n) & MASK32];
    const p0 = 0xd2511f53n * c[0]!;
    const p1 = 0xcd9e8d57n * c[2]!;
    c = [(p1 >> 32n) ^ c[1]! ^ k[0]!, p1 & MASK32, (p0 >> 32n) ^ c[3]! ^ k[1]!, p0 & MASK32];
  }
  return c.map(Number);
}

/** Word j of the stream (seed, stream), by the README's contract, in BigInt arithmetic. */
export function streamWord(seed: bigint, stream: bigint, j: bigint): number {
  const block = j / 4n;
  const ctr = [block & MASK32, block >> 32n, stream & MASK32, stream >> 32n].map(Number);
  return philoxBig(ctr, [Number(seed & MASK32), Number(seed >> 32n)])[Number(j % 4n)]!;
}

/** g64 = -ln(-ln u), u = (x + 0.5) / 2^32, with -ln u = -log1p(u - 1) where u - 1 is exact in float64. */
export function gumbel64(x: number): number {
  return -Math.log(-Math.log1p((x + 0.5 - 2 ** 32) / 2 ** 32));
}

/** The stated Gumbel tolerance: |g - g64| <= 4e-6 * max(1, |g64|) (README, "Accuracy"). */
export function gumbelWithinTolerance(g: number, g64: number): boolean {
  return Number.isFinite(g) && Math.abs(g - g64) <= 4e-6 * Math.max(1, Math.abs(g64));
}

/** Checks transformed words against gumbel64; returns the count of failures and the worst case. */
export function checkGumbel(words: Uint32Array, values: Float32Array): { failures: number; worst: { x: number; g: number; g64: number; err: number } } {
  let failures = 0;
  let worst = { x: 0, g: 0, g64: 0, err: -1 };
  for (let i = 0; i < words.length; i++) {
    const x = words[i]!;
    const g = values[i]!;
    const g64 = gumbel64(x);
    const err = Math.abs(g - g64) / Math.max(1, Math.abs(g64));
    if (!gumbelWithinTolerance(g, g64)) failures++;
    if (!(err <= worst.err)) worst = { x, g, g64, err };
  }
  return { failures, worst };
}

/** Words 0..count-1 from `start`, stepping by `step` (wrapping is the caller's concern). */
export function wordRange(start: number, count: number, step = 1): Uint32Array {
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = start + i * step;
  return out;
}

/** A deterministic xorshift32 sequence for test inputs (not the thing under test). */
export function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

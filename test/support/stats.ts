// Goodness-of-fit statistics with fixed critical values; every test uses a fixed seed, so each check
// either always passes or always fails for a given implementation.

/** Pearson chi-square statistic of counts against expected counts. */
export function chiSquare(counts: ArrayLike<number>, expected: ArrayLike<number>): number {
  let x2 = 0;
  for (let i = 0; i < counts.length; i++) x2 += (counts[i]! - expected[i]!) ** 2 / expected[i]!;
  return x2;
}

/** Upper critical value of chi-square with df degrees of freedom at about z standard deviations (Wilson-Hilferty). */
export function chiSquareCritical(df: number, z = 3.09): number {
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

/** Kolmogorov-Smirnov D of samples against a continuous CDF. */
export function ksStatistic(samples: Float32Array | Float64Array, cdf: (x: number) => number): number {
  const s = Float64Array.from(samples).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i]!);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  return d;
}

/** KS critical value at alpha = 0.001: 1.95 / sqrt(n). */
export const ksCritical = (n: number): number => 1.95 / Math.sqrt(n);

export function meanVariance(xs: ArrayLike<number>): { mean: number; variance: number } {
  let mean = 0;
  for (let i = 0; i < xs.length; i++) mean += xs[i]!;
  mean /= xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - mean) ** 2;
  return { mean, variance: v / (xs.length - 1) };
}

export const EULER_GAMMA = 0.5772156649015329;
export const gumbelCdf = (x: number): number => Math.exp(-Math.exp(-x));

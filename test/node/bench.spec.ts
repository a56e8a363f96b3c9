// The benchmark runs end to end (npm run bench -- --node, through Dawn on SwiftShader, small workloads):
// every comparison the README's tables report is measured, and the GPU agrees with the CPU fallback first;
// and without timestamp queries it times batches of submits.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { DAWN_SWIFTSHADER_ENV as env } from '../support/dawn-env.js';

interface BenchRow {
  workload: string;
  variant: string;
  median: number;
  gpu: number | null;
  reps: number;
  ratioToCopy: number;
  maxAbsDiffY?: number;
  maxAbsDiffDLogits?: number;
  submitsPerRep?: number;
}

interface BenchResult {
  adapter: { architecture: string };
  timestamps: boolean;
  reps: number;
  rows: BenchRow[];
}

/** Runs `node bench/run.mjs --node ...args` through Dawn on SwiftShader and returns the JSON it wrote. */
function runBench(args: string[]): BenchResult {
  const root = new URL('../../', import.meta.url).pathname;
  const out = execFileSync(process.execPath, ['bench/run.mjs', '--node', ...args], { cwd: root, env, encoding: 'utf8', timeout: 160_000 });
  const file = /results: (\S+\.json)/.exec(out)?.[1];
  expect(file, out).toBeTruthy();
  return JSON.parse(readFileSync(root + file!, 'utf8')) as BenchResult;
}

test('npm run bench -- --node measures every comparison and checks the GPU against the CPU first', () => {
  // 9 s alone here since the bench skips its clock-warming spin on SwiftShader (163 s with it, 2.7 min in .ci/run).
  test.setTimeout(180_000);
  const result = runBench(['--workloads=14x8,64x128']);
  expect(result.adapter.architecture).toBe('swiftshader');
  expect(result.timestamps).toBe(true);
  expect(result.reps).toBeGreaterThanOrEqual(10);
  // 14 x 8 is tiny (at most 2^10 elements): 10x the repetitions; 64 x 128 small (at most 2^16): 3x.
  for (const r of result.rows) {
    expect(r.reps, `${r.workload} ${r.variant}`).toBe((r.workload === '14 x 8' ? 10 : 3) * result.reps);
  }
  const variants = [
    'copy kernel (memory floor)',
    'copy kernel, backward bytes',
    'forward soft (y)',
    'forward hard (y, index)',
    'forward logSoftmax',
    'forward soft (y), rowCache true',
    'forward soft (y), stash false (regenerate)',
    'forward soft (y), rowSplit true',
    'forward soft (y), rowPerInvocation false',
    'forward soft (y), philoxFloatProducts false',
    'backward (dy)',
    'unfused: noise kernel, then softmax',
    'forward soft (y) + readback',
    'forward logSoftmax + readback',
    'forward logSoftmax + readback into a reused array',
    'TF.js chain (logSoftmax) + readback',
    'CPU fallback forward soft',
    'plain JS loop, Math.random',
  ];
  for (const workload of ['14 x 8', '64 x 128']) {
    const rows = result.rows.filter((r) => r.workload === workload);
    const extra = workload === '14 x 8' ? ['training step: batch(forward + backward), read index'] : [];
    expect(rows.map((r) => r.variant).sort()).toEqual([...variants, ...extra].sort());
    for (const r of rows) {
      expect(r.median, `${workload} ${r.variant}`).toBeGreaterThan(0);
      expect(Number.isFinite(r.ratioToCopy) && r.ratioToCopy > 0, `${workload} ${r.variant} ratio`).toBe(true);
      const onGpu = !r.variant.startsWith('CPU') && !r.variant.startsWith('plain');
      if (onGpu) expect(r.gpu, `${workload} ${r.variant} GPU ms`).toBeGreaterThan(0);
    }
    const soft = rows.find((r) => r.variant === 'forward soft (y)')!;
    expect(soft.maxAbsDiffY).toBeLessThan(1e-5);
    expect(soft.maxAbsDiffDLogits).toBeLessThan(1e-5);
  }
});

test('without timestamp queries the bench times kernels as a batch of submits waited for with onSubmittedWorkDone', () => {
  test.setTimeout(180_000); // 7 s alone here, 8 s in .ci/run
  const result = runBench(['--no-timestamps', '--workloads=14x8']);
  expect(result.timestamps).toBe(false);
  const rows = result.rows.filter((r) => r.workload === '14 x 8');
  // The kernels: 16 submits a repetition (2^16 elements would need more); the training step and the rows with
  // readback are timed end to end, one at a time; the CPU rows have no GPU.
  const batched = ['copy kernel (memory floor)', 'forward soft (y)', 'backward (dy)', 'unfused: noise kernel, then softmax'];
  for (const variant of batched) expect(rows.find((r) => r.variant === variant)?.submitsPerRep, variant).toBe(16);
  for (const variant of ['training step: batch(forward + backward), read index', 'forward logSoftmax + readback', 'TF.js chain (logSoftmax) + readback']) {
    expect(rows.find((r) => r.variant === variant)?.submitsPerRep, variant).toBeUndefined();
  }
  expect(rows.length).toBe(19);
  for (const r of rows) {
    expect(r.gpu, `${r.variant} GPU ms`).toBeNull();
    expect(r.median, r.variant).toBeGreaterThan(0);
    expect(Number.isFinite(r.ratioToCopy) && r.ratioToCopy > 0, `${r.variant} ratio`).toBe(true);
  }
  // Per submit: a batch's wall time divided by 16 is below one submit waited for end to end with its readback.
  const perSubmit = rows.find((r) => r.variant === 'forward soft (y)')!.median;
  const endToEnd = rows.find((r) => r.variant === 'forward soft (y) + readback')!.median;
  expect(perSubmit).toBeLessThan(endToEnd);
});

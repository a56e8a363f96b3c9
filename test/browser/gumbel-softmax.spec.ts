// The fused Gumbel-Softmax forward and backward on WebGPU, against the CPU backend and a float64
// reference with the tolerances of README "Accuracy".
import type { CaseSpec } from '../support/softmax-cases.js';
import { expect, test } from './fixture.js';

const FORWARD: CaseSpec[] = [
  { batch: [7], K: 1, tau: 1, seed: 1 },
  { batch: [70000], K: 1, tau: 'rows', seed: 2, hard: true },
  { batch: [10, 100], K: 2, tau: 0.5, seed: 3, samples: 3 },
  { batch: [70000], K: 2, tau: 'rows', seed: 4, offset: 3 },
  { batch: [7], K: 3, tau: 2, seed: 5, hard: true, samples: 1 },
  { batch: [70000], K: 3, tau: 0.05, seed: 6, stream: 9 },
  { batch: [1000], K: 8, tau: 'rows', seed: 7, samples: 3, hard: true },
  { batch: [70000], K: 8, tau: 1, seed: 8, offset: 1 },
  { batch: [1000], K: 12, tau: 0.7, seed: 23, offset: 1 }, // every row 4 Philox blocks: the most held in registers
  { batch: [999], K: 13, tau: 'rows', seed: 24, samples: 2, offset: 3 }, // leads 3, 0, 1, 2: 4 blocks, or 3
  { batch: [1000], K: 63, tau: 0.3, seed: 9 },
  { batch: [1000], K: 64, tau: 'rows', seed: 10, hard: true },
  { batch: [7], K: 65, tau: 1, seed: 11, samples: 3 },
  { batch: [70000], K: 65, tau: 'rows', seed: 12, offset: 2 },
  { batch: [1000], K: 255, tau: 10, seed: 13, hard: true },
  { batch: [1000], K: 257, tau: 'rows', seed: 14, samples: 3 },
  { batch: [7], K: 1000, tau: 0.05, seed: 15 },
  { batch: [1000], K: 1000, tau: 'rows', seed: 16, hard: true },
  { batch: [5], K: 4096, tau: 0.5, seed: 22, offset: 1 }, // v held in registers, and one block stashed
  { batch: [7], K: 4097, tau: 'rows', seed: 17, samples: 3 },
  { batch: [1], K: 65537, tau: 0.5, seed: 18, offset: 5 },
  { batch: [7], K: 65537, tau: 'rows', seed: 19, hard: true },
  { batch: [1], K: 2 ** 20, tau: 2, seed: 20, samples: 3 },
  { batch: [6], K: 65537, tau: 'rows', seed: 21, offset: 3 }, // by invocation by default on SwiftShader
  // Sample-rows whose stream positions pass 2^64 (row 6 of 18 at K = 300; row 50 of 100 at K = 10, lead 1).
  { batch: [9], K: 300, tau: 0.9, seed: 25, samples: 2, offset: 2n ** 64n - 2000n },
  { batch: [100], K: 10, tau: 'rows', seed: 26, offset: 2n ** 64n - 503n },
];

const label = (c: CaseSpec) =>
  `${c.batch.join('x')} x K=${c.K}${c.samples ? `, S=${c.samples}` : ''}, tau=${c.tau}${c.hard ? ', hard' : ''}${typeof c.offset === 'bigint' ? `, offset 2^64 - ${2n ** 64n - c.offset}` : ''}`;

// The default runtime (on SwiftShader: long rows of dispatches of 4 rows or more by invocation, the others by
// workgroup with subgroup reductions, unsplit; no row cache; v of rows up to 4096 in registers, of longer
// rows stashed in the output), and the workgroup-per-row paths of other adapters: subgroup reductions, split
// rows (a hardware GPU's default); shared-memory reductions with rows cached in workgroup memory and the rest
// stashed, few long rows split across workgroups (then stashed, not cached); and shared-memory reductions
// with neither cache nor stash, so v of rows up to 4096 stays in registers and pass 2 regenerates the rest,
// with split rows. The default runtime forms Philox's products by floats on SwiftShader, the others by limbs,
// as a hardware GPU does.
const VARIANTS = [
  { name: 'default runtime', options: null },
  { name: 'a workgroup per row, row split', options: { rowPerInvocation: false, rowSplit: true, philoxFloatProducts: false } },
  { name: 'shared-memory reductions, row cache, row split', options: { subgroups: false, rowCache: true, rowSplit: true, rowPerInvocation: false, philoxFloatProducts: false } },
  { name: 'shared-memory reductions, regenerating, row split', options: { subgroups: false, rowCache: false, stash: false, rowSplit: true, rowPerInvocation: false, philoxFloatProducts: false } },
] as const;

for (const variant of VARIANTS) {
  test.describe(variant.name, () => {
    for (const spec of FORWARD) {
      test(`forward ${label(spec)}`, async ({ gpuPage }) => {
        const r = await gpuPage.evaluate(
          async ({ spec, options }) => {
            const rt = options ? await window.harness.lib.createGumbel({ backend: 'webgpu', ...options }) : window.rt;
            const res = await window.harness.softmax.forwardCase(rt, window.cpu, spec);
            if (rt !== window.rt) rt.destroy();
            return res;
          },
          { spec, options: variant.options },
        );
        for (const side of ['gpu', 'cpu'] as const) {
          const c = r[side];
          expect(c.failures, `${side}: ${c.firstFailure}`).toBe(0);
          expect(c.poisoned, `${side}: unwritten elements`).toBe(0);
          expect(c.rows).toBe((spec.samples ?? 1) * spec.batch.reduce((a, b) => a * b, 1));
          expect(c.shape).toEqual([...(spec.samples !== undefined ? [spec.samples] : []), ...spec.batch, spec.K]);
        }
        // Index disagreements between backends happen only at near-ties, which the reference allows.
        expect(r.indexDisagreements).toBeLessThanOrEqual(r.gpu.nearTies + r.cpu.nearTies);
        console.log(`${label(spec)}: worst error/tolerance GPU logSoftmax ${r.gpu.worstLs.toFixed(3)} y ${r.gpu.worstY.toFixed(3)}, CPU ${r.cpu.worstLs.toFixed(3)}; near-ties ${r.gpu.nearTies}`);
      });
    }
  });
}

const BACKWARD: [CaseSpec, 'dy' | 'dl' | 'both'][] = [
  [{ batch: [7], K: 1, tau: 1, seed: 31 }, 'both'],
  [{ batch: [1000], K: 3, tau: 'rows', seed: 32, samples: 3 }, 'dy'],
  [{ batch: [70000], K: 8, tau: 0.5, seed: 33 }, 'both'],
  [{ batch: [999], K: 13, tau: 'rows', seed: 43, samples: 2, offset: 3 }, 'both'], // up to 4 blocks in registers
  [{ batch: [1000], K: 64, tau: 'rows', seed: 34, hard: true }, 'dl'],
  [{ batch: [7], K: 65, tau: 2, seed: 35, samples: 3 }, 'both'],
  [{ batch: [1000], K: 257, tau: 'rows', seed: 36 }, 'dy'],
  [{ batch: [5], K: 4096, tau: 0.5, seed: 42, offset: 1 }, 'both'], // v held in registers, and one block stashed
  [{ batch: [7], K: 4097, tau: 0.05, seed: 37, samples: 3 }, 'both'],
  [{ batch: [1], K: 65537, tau: 'rows', seed: 38 }, 'both'],
  [{ batch: [1], K: 2 ** 20, tau: 1, seed: 39 }, 'dy'],
  [{ batch: [2], K: 65537, tau: 0.5, seed: 40, samples: 2 }, 'both'], // split rows, the second sample adding
  [{ batch: [9], K: 300, tau: 'rows', seed: 44, samples: 2, offset: 2n ** 64n - 2000n }, 'both'], // positions pass 2^64
  [{ batch: [5], K: 65537, tau: 'rows', seed: 41, samples: 2 }, 'both'], // by invocation on SwiftShader by default
];

for (const variant of VARIANTS) {
  test.describe(`backward, ${variant.name}`, () => {
    for (const [spec, grads] of BACKWARD) {
      test(`backward ${label(spec)}, ${grads}`, async ({ gpuPage }) => {
        const r = await gpuPage.evaluate(
          async ({ spec, options, grads }) => {
            const rt = options ? await window.harness.lib.createGumbel({ backend: 'webgpu', ...options }) : window.rt;
            const res = await window.harness.softmax.backwardCase(rt, window.cpu, spec, grads);
            if (rt !== window.rt) rt.destroy();
            return res;
          },
          { spec, options: variant.options, grads },
        );
        for (const side of ['gpu', 'cpu'] as const) {
          expect(r[side].failures, `${side}: ${r[side].firstFailure}`).toBe(0);
          expect(r[side].poisoned, `${side}: unwritten elements`).toBe(0);
        }
        console.log(`backward ${label(spec)}: worst error/tolerance GPU ${r.gpu.worst.toFixed(3)}, CPU ${r.cpu.worst.toFixed(3)}`);
      });
    }
  });
}

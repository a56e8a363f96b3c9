/// <reference types="vite/client" />
// The page the browser tests drive: the built package, the test references, and test-only kernels.
import fc from 'fast-check';
import * as lib from '../dist/index.js';
import philoxKat from './kernels/philox-kat.wgsl';
import philoxProducts from './kernels/philox-products.wgsl';
import * as ref from './support/reference.js';
import * as softmax from './support/softmax-cases.js';
import * as softmaxRef from './support/softmax-reference.js';
import * as stats from './support/stats.js';
import { runTestKernel } from './support/test-kernel.js';

// Every kernel of the package (pieces have no entry point and are not kernels), and every `aligned` variant.
type KernelSpec = import('../src/gpu/kernel-spec.js').KernelSpec;
const allKernels = [
  ...Object.values(import.meta.glob<KernelSpec>(['../shaders/draw.wgsl', '../shaders/gumbel-*.wgsl'], { eager: true, import: 'default' })),
  ...Object.values(import.meta.glob<KernelSpec>(['../shaders/draw.wgsl', '../shaders/gumbel-softmax*.wgsl'], { eager: true, import: 'default', query: '?aligned' })),
];

/** A runtime on a device with WebGPU's default limits (bindings of 128 MiB, buffers of 256 MiB), for chunking tests. */
async function defaultLimitRuntime() {
  return limitedRuntime({});
}

/** A runtime on a device with these limits (the rest WebGPU's defaults). */
async function limitedRuntime(requiredLimits: Record<string, number>) {
  const adapter = await navigator.gpu.requestAdapter();
  const device = await adapter!.requestDevice({ requiredLimits });
  return { device, rt: await lib.createGumbel({ device }) };
}

/**
 * Runtimes and [R, K, offset] shapes that between them take every row path of the Gumbel-Softmax kernels. On
 * SwiftShader the default runtime takes 50 x 8 and 61 x 5 by invocation on the few-blocks path (rows of 3 and 2
 * Philox blocks at those offsets) and 5 x 1000 by its loop over blocks, the others by workgroup, holding v in
 * registers up to K = 4096 and stashing it at 20000; the second runtime splits 2 x 20000; the third regenerates v
 * instead of stashing it. The caller destroys all but the first (the fixture's).
 */
async function rowPathRuntimes() {
  return [
    window.rt,
    await lib.createGumbel({ backend: 'webgpu', rowPerInvocation: false, rowSplit: true }),
    await lib.createGumbel({ backend: 'webgpu', rowPerInvocation: false, stash: false }),
  ];
}
const rowPathShapes = [[50, 8, 3], [61, 5, 2], [5, 1000, 0], [3, 4096, 1], [2, 20000, 2]] as const;

/** Whether two arrays hold the same values, bit for bit as far as Object.is tells (NaN equals NaN, -0 not 0). */
function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));
}

/** How a call ends: 'resolved', or the error's name and message (whether it throws or rejects). */
async function outcome(call: () => unknown): Promise<string> {
  try {
    await call();
    return 'resolved';
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

const harness = { fc, lib, ref, softmax, softmaxRef, stats, kernels: { philoxKat, philoxProducts }, allKernels, runTestKernel, defaultLimitRuntime, limitedRuntime, rowPathRuntimes, rowPathShapes, sameValues, outcome };
export type Harness = typeof harness;

declare global {
  interface Window {
    harness: Harness;
    /** The WebGPU runtime the fixture created for this test. */
    rt: import('../dist/index.js').GumbelRuntime;
    /** A CPU runtime beside it, for parity. */
    cpu: import('../dist/index.js').GumbelRuntime;
  }
}

window.harness = harness;

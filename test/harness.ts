// The page the browser tests drive: the built package, the test references, and test-only kernels.
import * as lib from '../dist/index.js';
import philoxKat from './kernels/philox-kat.wgsl';
import * as ref from './support/reference.js';
import * as stats from './support/stats.js';
import { runTestKernel } from './support/test-kernel.js';

const harness = { lib, ref, stats, kernels: { philoxKat }, runTestKernel };
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

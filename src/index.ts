/**
 * gumbel-webgpu: WebGPU kernels for Gumbel-Softmax, with a CPU fallback that gives the same answers.
 *
 * @example
 * import { createGumbel } from 'gumbel-webgpu';
 * const rt = await createGumbel();                 // WebGPU if available, else CPU
 * const g = await rt.gumbel([2, 3], { seed: 42 }); // standard Gumbel noise, reproducible
 * console.log(rt.backend, await g.read());
 */
import { createCpuRuntime } from './cpu/runtime.js';
import { WebGpuUnavailableError } from './gpu/device.js';
import { createWebGpuRuntime } from './gpu/runtime.js';
import type { CreateOptions, GumbelRuntime } from './types.js';
import { checkOptionKeys } from './validate.js';

/** The kernel choices createGumbel takes as booleans (CreateOptions). */
const BOOLEAN_OPTIONS = ['subgroups', 'rowCache', 'stash', 'rowSplit', 'rowPerInvocation', 'philoxFloatProducts'] as const;
const CREATE_KEYS: ReadonlySet<string> = new Set(['backend', 'device', 'gpu', ...BOOLEAN_OPTIONS]);

export type * from './types.js';
export { WebGpuUnavailableError } from './gpu/device.js';

/**
 * Creates a runtime on the chosen backend.
 *
 * @example
 * const gpuOnly = await createGumbel({ backend: 'webgpu' }); // rejects with WebGpuUnavailableError without WebGPU
 * const cpu = await createGumbel({ backend: 'cpu' });
 */
export async function createGumbel(options: CreateOptions = {}): Promise<GumbelRuntime> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object { backend?, device?, ... }');
  checkOptionKeys('options', options, CREATE_KEYS);
  const backend = options.backend ?? 'auto';
  if (backend !== 'auto' && backend !== 'webgpu' && backend !== 'cpu') {
    throw new RangeError(`options.backend must be 'auto', 'webgpu' or 'cpu', got ${JSON.stringify(backend)}`);
  }
  for (const name of BOOLEAN_OPTIONS) {
    const value: unknown = options[name];
    if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`options.${name} must be a boolean, got ${typeof value}`);
  }
  if (backend === 'cpu') return createCpuRuntime();
  try {
    return await createWebGpuRuntime(options);
  } catch (error) {
    if (backend === 'auto' && error instanceof WebGpuUnavailableError) return createCpuRuntime();
    throw error;
  }
}

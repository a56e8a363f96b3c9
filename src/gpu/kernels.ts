// Pipelines, bind groups and uniform blocks built from a kernel's reflected spec, so the TypeScript that
// dispatches a kernel cannot disagree with its WGSL: a missing, extra or misnamed binding or uniform
// member is an error here, not a silent wrong answer on the GPU.
import { ShaderStage } from './flags.js';
import type { KernelDelta, KernelSpec, ParamsSpec, ParamType } from './kernel-spec.js';

const COMPONENTS: Record<ParamType, number> = { u32: 1, i32: 1, f32: 1, vec2u: 2, vec4u: 4, vec2f: 2, vec4f: 4 };
const FLOAT_TYPES: ReadonlySet<ParamType> = new Set(['f32', 'vec2f', 'vec4f']);

/** What starts each piece of a composed kernel, followed by the piece's key (tools/wgsl-kernel.ts, composeWgsl). */
export const PIECE_HEADER = '// ---- ';

/** A composed kernel's code as [key, text] per piece, in order; what precedes the first (the directives) has key ''. */
export function kernelPieces(code: string): [string, string][] {
  return code.split(/^(?=\/\/ ---- )/m).map((text) => [text.startsWith(PIECE_HEADER) ? text.slice(PIECE_HEADER.length, text.indexOf('\n')) : '', text]);
}

/** A kernel variant from its base kernel: the base's pieces but those the delta drops, and those it adds. */
export function kernelVariant(base: KernelSpec, delta: KernelDelta): KernelSpec {
  const kept = kernelPieces(base.code).filter(([key]) => !delta.drop.includes(key));
  return { ...base, name: delta.name, code: kept.map(([, text]) => text).join('') + delta.add };
}

/** Throws unless `names` are exactly the kernel's bindings. */
export function checkBindingNames(spec: KernelSpec, names: readonly string[]): void {
  const expected = spec.bindings.map((b) => b.name);
  const missing = expected.filter((n) => !names.includes(n));
  const unexpected = names.filter((n) => !expected.includes(n));
  if (missing.length || unexpected.length) {
    throw new Error(
      `kernel ${spec.name}: binding mismatch (missing: [${missing.join(', ')}], unexpected: [${unexpected.join(', ')}]); the shader declares [${expected.join(', ')}]`,
    );
  }
}

export type ParamValues = Record<string, number | readonly number[]>;

/** What a kernel's bindings are given: whole buffers or ranges of them. */
export type Bindings = Record<string, GPUBuffer | GPUBufferBinding>;

/** Packs a uniform block at the reflected offsets; every member must be given, and nothing else. */
export function packParams(spec: KernelSpec, values: ParamValues): ArrayBuffer {
  const layout: ParamsSpec | null = spec.params;
  if (!layout) throw new Error(`kernel ${spec.name} has no uniform block`);
  const fieldNames = layout.fields.map((f) => f.name);
  const unexpected = Object.keys(values).filter((k) => !fieldNames.includes(k));
  if (unexpected.length) throw new Error(`kernel ${spec.name}: ${layout.binding} has no member(s) ${unexpected.join(', ')}`);
  const bytes = new ArrayBuffer(Math.ceil(layout.size / 16) * 16);
  const view = new DataView(bytes);
  for (const field of layout.fields) {
    const value = values[field.name];
    if (value === undefined) throw new Error(`kernel ${spec.name}: ${layout.binding}.${field.name} was not given`);
    const parts = typeof value === 'number' ? [value] : value;
    if (parts.length !== COMPONENTS[field.type]) {
      throw new Error(`kernel ${spec.name}: ${layout.binding}.${field.name} is ${field.type}, given ${parts.length} value(s)`);
    }
    parts.forEach((v, i) => {
      const at = field.offset + 4 * i;
      if (FLOAT_TYPES.has(field.type)) view.setFloat32(at, v, true);
      else if (field.type === 'i32') view.setInt32(at, v, true);
      else view.setUint32(at, v, true);
    });
  }
  return bytes;
}

/** Workgroup counts for `groups` workgroups, folded into 2-D past the per-dimension limit (flat_index undoes it). */
export function foldDispatch(groups: number, maxPerDimension: number): [number, number] {
  if (groups <= maxPerDimension) return [Math.max(groups, 1), 1];
  const y = Math.ceil(groups / maxPerDimension);
  if (y > maxPerDimension) throw new RangeError(`a dispatch of ${groups} workgroups exceeds ${maxPerDimension}^2`);
  return [Math.ceil(groups / y), y];
}

/** Compute pipelines cached by everything that changes the compiled shader: the kernel and its constants. */
export class PipelineCache {
  readonly #device: GPUDevice;
  readonly #pipelines = new Map<string, GPUComputePipeline>();
  readonly #layouts = new Map<string, GPUBindGroupLayout>();

  constructor(device: GPUDevice) {
    this.#device = device;
  }

  get(spec: KernelSpec, constants: Record<string, number> = {}): GPUComputePipeline {
    for (const name of Object.keys(constants)) {
      if (!spec.overrides.includes(name)) throw new Error(`kernel ${spec.name} has no override ${name}`);
    }
    const key = `${spec.name}|${JSON.stringify(constants)}`;
    let pipeline = this.#pipelines.get(key);
    if (!pipeline) {
      const module = this.#device.createShaderModule({ label: spec.name, code: spec.code });
      pipeline = this.#device.createComputePipeline({
        label: key,
        layout: this.#device.createPipelineLayout({ label: spec.name, bindGroupLayouts: [this.layout(spec)] }),
        compute: { module, entryPoint: spec.entryPoint, constants },
      });
      this.#pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  layout(spec: KernelSpec): GPUBindGroupLayout {
    let layout = this.#layouts.get(spec.name);
    if (!layout) {
      layout = this.#device.createBindGroupLayout({
        label: spec.name,
        entries: spec.bindings.map((b) => ({ binding: b.binding, visibility: ShaderStage.COMPUTE, buffer: { type: b.type } })),
      });
      this.#layouts.set(spec.name, layout);
    }
    return layout;
  }

  /**
   * Binds whole buffers, or ranges of them ({ buffer, offset, size }). A whole storage buffer is bound up to
   * maxStorageBufferBindingSize: callers bind whole only data that fits one binding, but the pool's buffer
   * holding it may be larger (sizeClass rounds up), and a binding past the limit is a validation error; a
   * caller's buffer (tensorFromBuffer) may be larger still, or of a size that is not a multiple of 4.
   */
  bindGroup(spec: KernelSpec, buffers: Bindings): GPUBindGroup {
    checkBindingNames(spec, Object.keys(buffers));
    const storageLimit = this.#device.limits.maxStorageBufferBindingSize;
    return this.#device.createBindGroup({
      label: spec.name,
      layout: this.layout(spec),
      entries: spec.bindings.map((b) => {
        const v = buffers[b.name]!;
        if ('buffer' in v) return { binding: b.binding, resource: v };
        if (b.type === 'uniform') return { binding: b.binding, resource: { buffer: v } };
        const size = Math.min(v.size, storageLimit);
        return { binding: b.binding, resource: { buffer: v, size: size - (size % 4) } }; // storage bindings: a multiple of 4
      }),
    });
  }
}

/**
 * What the build learns about a kernel by reflecting its WGSL (tools/wgsl-kernel.ts): TypeScript never
 * re-states a binding, a uniform offset or a workgroup size by hand.
 */

export type BindingType = 'uniform' | 'storage' | 'read-only-storage';

export interface BindingSpec {
  name: string;
  binding: number;
  type: BindingType;
}

/** Scalar and vector member types that uniform blocks in this package may use. */
export type ParamType = 'u32' | 'i32' | 'f32' | 'vec2u' | 'vec4u' | 'vec2f' | 'vec4f';

export interface ParamField {
  name: string;
  offset: number;
  type: ParamType;
}

export interface ParamsSpec {
  /** The uniform binding's name. */
  binding: string;
  /** Byte size of the struct. */
  size: number;
  fields: ParamField[];
}

export interface KernelSpec {
  /** The shader file's base name, e.g. 'draw'. */
  name: string;
  /** Composed WGSL: the kernel with its included pieces prepended. */
  code: string;
  entryPoint: string;
  /** Invocations per workgroup (x only: every kernel here is 1-D). */
  workgroupSize: number;
  /** Group 0 bindings in binding order. */
  bindings: BindingSpec[];
  /** Layout of the single uniform block, if any. */
  params: ParamsSpec | null;
  /** Pipeline-overridable constants. */
  overrides: string[];
}

/** A kernel variant as the bundle holds it (tools/wgsl-kernel.ts, variantDelta; kernelVariant rebuilds it). */
export interface KernelDelta {
  /** The variant's name, NAME?VARIANT. */
  name: string;
  /** Header keys (`// ---- key`) of the base kernel's pieces that the variant leaves out. */
  drop: string[];
  /** The pieces it puts in, composed. */
  add: string;
}

// Build-time WGSL composer and reflector: turns shaders/NAME.wgsl into a KernelSpec.
// Used by the Vite plugin (vite.config.ts) and by the shader tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WgslReflect, ResourceType } from 'wgsl_reflect/wgsl_reflect.module.js';
import type { BindingSpec, KernelDelta, KernelSpec, ParamField, ParamType } from '../src/gpu/kernel-spec.js';
import { kernelPieces, PIECE_HEADER } from '../src/gpu/kernels.js';

const INCLUDE = /^\/\/!include\s+(\S+)\s*$/;
// `//!instance piece.wgsl NAME=name ...`: the piece with each whole word NAME replaced by name (a template).
const INSTANCE = /^\/\/!instance\s+(\S+)((?:\s+\w+=\w+)+)\s*$/;
const DIRECTIVE = /^(enable|requires|diagnostic)\s/; // must precede every declaration of the module

/**
 * Variants of a kernel, imported as `shaders/NAME.wgsl?VARIANT`: the kernel composed with each piece on the left
 * replaced by the one on the right. `aligned`: the Gumbel-Softmax kernels with their row data bound as vec4s,
 * for rows aligned to 4 (src/ops/gumbel-softmax.ts, rowsAligned), and the draw with its output bound as vec4s,
 * for draws aligned to 4 (src/ops/draw.ts, drawAligned).
 */
export const VARIANTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  aligned: {
    'forward-rows.wgsl': 'forward-rows-aligned.wgsl',
    'backward-rows.wgsl': 'backward-rows-aligned.wgsl',
    'draw-out.wgsl': 'draw-out-aligned.wgsl',
  },
};
const PARAM_TYPES: readonly string[] = ['u32', 'i32', 'f32', 'vec2u', 'vec4u', 'vec2f', 'vec4f'];
const ALIASES: Record<string, string> = {
  'vec2<u32>': 'vec2u',
  'vec4<u32>': 'vec4u',
  'vec2<f32>': 'vec2f',
  'vec4<f32>': 'vec4f',
};

/**
 * The file with every `//!include piece.wgsl` replaced by that piece (recursively, each piece once, first use
 * first), every `//!instance piece.wgsl NAME=name ...` by the piece with those words renamed (once per piece
 * and renaming), and directives such as `enable subgroups;` hoisted to the top. `swaps` replaces pieces by
 * name (a variant's, VARIANTS).
 */
export function composeWgsl(dir: string, file: string, swaps: Readonly<Record<string, string>> = {}): string {
  const seen = new Set<string>();
  const directives = new Set<string>();
  const parts: string[] = [];
  const visit = (piece: string, renames: [string, string][] = []): void => {
    const name = swaps[piece] ?? piece;
    const key = [name, ...renames.map((r) => r.join('='))].join(' ');
    if (seen.has(key)) return;
    seen.add(key);
    let text = readFileSync(join(dir, name), 'utf8');
    for (const [from, to] of renames) {
      const word = new RegExp(`\\b${from}\\b`, 'g');
      if (!word.test(text)) throw new Error(`shaders/${name}: //!instance renames ${from}, which it does not contain`);
      text = text.replace(word, to);
    }
    const body: string[] = [];
    for (const line of text.split('\n')) {
      const include = INCLUDE.exec(line);
      const instance = INSTANCE.exec(line);
      if (include) visit(include[1]!);
      else if (instance) visit(instance[1]!, instance[2]!.trim().split(/\s+/).map((r) => r.split('=') as [string, string]));
      else if (line.startsWith('//!')) throw new Error(`shaders/${name}: unknown directive ${line}`);
      else if (DIRECTIVE.test(line)) directives.add(line.trim());
      else body.push(line);
    }
    parts.push(`${PIECE_HEADER}${key}\n${body.join('\n').trim()}\n`);
  };
  visit(file);
  return [...directives, ...parts].join('\n');
}

/** Reflects composed WGSL into a KernelSpec; throws on a parse error or a layout this package does not support. */
export function reflectKernel(name: string, code: string): KernelSpec {
  const fail = (why: string): never => {
    throw new Error(`shaders/${name.replace(/^([^?]*)/, '$1.wgsl')}: ${why}`); // NAME?VARIANT: NAME.wgsl?VARIANT
  };
  const reflect = new WgslReflect(code);
  const entries = reflect.entry.compute;
  if (entries.length !== 1) fail(`expected one @compute entry point, found ${entries.length}`);
  const entry = entries[0]!;
  const size = entry.workgroupSize;
  if (!size || size[1] !== 1 || size[2] !== 1) fail(`workgroup size must be 1-D, got ${JSON.stringify(size)}`);

  const groups = reflect.getBindGroups();
  if (groups.length !== 1) fail(`expected bindings in group 0 only, found ${groups.length} groups`);
  const bindings: BindingSpec[] = [];
  let params: KernelSpec['params'] = null;
  for (const v of groups[0] ?? []) {
    if (!v) continue;
    if (v.resourceType === ResourceType.Uniform) {
      if (params) fail('more than one uniform block');
      const fields: ParamField[] = (v.members ?? []).map((m) => {
        const type = ALIASES[m.type.name] ?? m.type.name;
        if (!PARAM_TYPES.includes(type)) fail(`uniform member ${m.name} has unsupported type ${m.type.name}`);
        return { name: m.name, offset: m.offset, type: type as ParamType };
      });
      params = { binding: v.name, size: v.size, fields };
      bindings.push({ name: v.name, binding: v.binding, type: 'uniform' });
    } else if (v.resourceType === ResourceType.Storage) {
      bindings.push({ name: v.name, binding: v.binding, type: v.access === 'read' ? 'read-only-storage' : 'storage' });
    } else {
      fail(`binding ${v.name} is neither a uniform nor a storage buffer`);
    }
  }
  return {
    name,
    code,
    entryPoint: entry.name,
    workgroupSize: size![0],
    bindings,
    params,
    overrides: reflect.overrides.map((o) => o.name),
  };
}

/** The kernel shaders/NAME.wgsl, or its VARIANT, which must replace a piece the kernel includes. */
export function loadKernel(dir: string, name: string, variant?: string): KernelSpec {
  if (variant === undefined) return reflectKernel(name, composeWgsl(dir, `${name}.wgsl`));
  const swaps = VARIANTS[variant];
  if (!swaps) throw new Error(`shaders/${name}.wgsl?${variant}: no such variant (${Object.keys(VARIANTS).join(', ')})`);
  const code = composeWgsl(dir, `${name}.wgsl`, swaps);
  if (!Object.values(swaps).some((piece) => code.includes(`${PIECE_HEADER}${piece}\n`))) {
    throw new Error(`shaders/${name}.wgsl?${variant}: the kernel includes none of the pieces the variant replaces`);
  }
  return reflectKernel(`${name}?${variant}`, code);
}

/**
 * How VARIANT of kernel NAME differs from it, for the bundle to derive one from the other (kernelVariant in
 * src/gpu/kernels.ts) instead of holding both whole: the base's pieces it drops and the code of those it adds.
 * Both must reflect the same bindings, uniform block, overrides and workgroup size.
 */
export function variantDelta(dir: string, name: string, variant: string): KernelDelta {
  const base = loadKernel(dir, name);
  const spec = loadKernel(dir, name, variant);
  const fail = (why: string): never => {
    throw new Error(`shaders/${name}.wgsl?${variant}: ${why}`);
  };
  const { name: _n, code: baseCode, ...baseLayout } = base;
  const { name: _v, code, ...layout } = spec;
  if (JSON.stringify(layout) !== JSON.stringify(baseLayout)) fail('reflects differently from the kernel');
  const from = new Map(kernelPieces(baseCode));
  const to = new Map(kernelPieces(code));
  if (to.get('') !== from.get('')) fail('changes the directives');
  return {
    name: spec.name,
    drop: [...from.keys()].filter((key) => !to.has(key)),
    add: [...to].filter(([key]) => !from.has(key)).map(([, text]) => text).join(''),
  };
}

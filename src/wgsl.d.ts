// `import kernel from '../../shaders/NAME.wgsl'` gives the reflected, composed kernel, and `NAME.wgsl?aligned` its
// aligned variant (vite.config.ts, tools/wgsl-kernel.ts).
declare module '*.wgsl' {
  const kernel: import('./gpu/kernel-spec.js').KernelSpec;
  export default kernel;
}
declare module '*.wgsl?aligned' {
  const kernel: import('./gpu/kernel-spec.js').KernelSpec;
  export default kernel;
}

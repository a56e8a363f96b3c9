// `import kernel from '../../shaders/NAME.wgsl'` gives the reflected, composed kernel (vite.config.ts).
declare module '*.wgsl' {
  const kernel: import('./gpu/kernel-spec.js').KernelSpec;
  export default kernel;
}

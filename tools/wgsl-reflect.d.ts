// wgsl_reflect's Node entry is CommonJS in a "type": "module" package, so we import its ES build by path;
// this gives that path the package's own types.
declare module 'wgsl_reflect/wgsl_reflect.module.js' {
  export * from 'wgsl_reflect';
}

// WebGPU's flag values, fixed by the spec. Spelled out so the package loads, and runs with options.gpu,
// where the GPUBufferUsage / GPUMapMode / GPUShaderStage globals are not installed (Node with Dawn).
export const BufferUsage = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80, QUERY_RESOLVE: 0x200 } as const;
export const MapMode = { READ: 0x1 } as const;
export const ShaderStage = { COMPUTE: 0x4 } as const;

// The environment for a child Node process that runs WebGPU through Dawn (the `webgpu` package) on SwiftShader:
// Dawn loads libvulkan.so.1 at start-up, and Debian's Chromium ships one beside its SwiftShader ICD.
export const DAWN_SWIFTSHADER_ENV = {
  ...process.env,
  LD_LIBRARY_PATH: '/usr/lib/chromium',
  VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json',
};

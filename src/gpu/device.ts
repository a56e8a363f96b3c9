// Device acquisition and health: clear errors for "no WebGPU" / "no adapter", and a record of why a device
// became unusable (loss, or an error no scope caught) so later calls can say so.
import type { AdapterDescription } from '../types.js';

export class WebGpuUnavailableError extends Error {
  override name = 'WebGpuUnavailableError';
}

export interface AcquiredDevice {
  device: GPUDevice;
  adapterInfo: AdapterDescription;
  /** True when we requested the device (so destroy() may destroy it). */
  owned: boolean;
  /**
   * The GPU object the adapter came from. The runtime holds on to it: Dawn in Node crashes the process
   * when that object is garbage-collected while its device is still in use.
   */
  gpu: GPU | null;
  /** The device has the `subgroups` feature and WGSL has `subgroup_id` (the subgroup kernels need both). */
  subgroups: boolean;
  /** The adapter runs on the CPU (SwiftShader, or what the browser marks as a fallback adapter). */
  onCpu: boolean;
}

function runsOnCpu(info: GPUAdapterInfo | undefined): boolean {
  return info?.architecture === 'swiftshader' || (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter === true;
}

export function describeAdapter(info: GPUAdapterInfo | undefined): AdapterDescription {
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
  };
}

/** Features this package uses when the adapter has them. */
const OPTIONAL_FEATURES: GPUFeatureName[] = ['timestamp-query', 'subgroups' as GPUFeatureName];

function hasSubgroups(device: GPUDevice, api: GPU | undefined): boolean {
  return device.features.has('subgroups') && (api?.wgslLanguageFeatures?.has('subgroup_id') ?? false);
}

export async function acquireDevice(gpu: GPU | undefined, given: GPUDevice | undefined): Promise<AcquiredDevice> {
  const api = gpu ?? (typeof navigator !== 'undefined' ? navigator.gpu : undefined);
  if (given) {
    const info = (given as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    return { device: given, adapterInfo: describeAdapter(info), owned: false, gpu: gpu ?? null, subgroups: hasSubgroups(given, api), onCpu: runsOnCpu(info) };
  }
  if (!api) {
    throw new WebGpuUnavailableError(
      'WebGPU is not available: navigator.gpu is undefined (an insecure context, a browser without WebGPU, or Node without options.gpu)',
    );
  }
  const adapter = await api.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new WebGpuUnavailableError('WebGPU is not available: requestAdapter() returned no adapter');
  // The defaults cap bindings at 128 MiB and workgroup memory at 16 KiB; take what the adapter offers so
  // large tensors fit in one binding and long rows in the row cache.
  const requiredLimits: Record<string, number> = {
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxBufferSize: adapter.limits.maxBufferSize,
    maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
  };
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({ label: 'gumbel-webgpu', requiredLimits, requiredFeatures });
  return { device, adapterInfo: describeAdapter(adapter.info), owned: true, gpu: api, subgroups: hasSubgroups(device, api), onCpu: runsOnCpu(adapter.info) };
}

/** Watches a device; `check()` throws the reason it became unusable, if it did. */
export class DeviceHealth {
  #reason: string | null = null;

  constructor(device: GPUDevice, owned: boolean) {
    void device.lost.then((info) => {
      this.#reason ??= `the GPU device was lost (${info.reason}: ${info.message || 'no message'})`;
    });
    // On our own device every op runs inside error scopes, so an uncaptured error is a bug worth stopping for.
    // On a caller's device it may be the caller's own; we leave their handling alone.
    if (owned) {
      device.addEventListener('uncapturederror', (event) => {
        this.#reason ??= `an uncaptured WebGPU error occurred: ${(event as GPUUncapturedErrorEvent).error.message}`;
      });
    }
  }

  get reason(): string | null {
    return this.#reason;
  }

  markDestroyed(): void {
    this.#reason ??= 'this runtime was destroyed';
  }

  check(): void {
    if (this.#reason) throw new Error(`gumbel-webgpu: ${this.#reason}; create a new runtime`);
  }
}

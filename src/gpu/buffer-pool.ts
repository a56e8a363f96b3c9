// Buffers reused by size class and usage. A released buffer becomes reusable only after the next
// submit: until then an encoder that is not yet submitted may still reference it, and a
// queue.writeBuffer into it would land before that encoder's work.
import type { PoolStats } from '../types.js';

/** Free bytes kept for reuse; beyond this, the least recently released free buffers are destroyed. */
const MAX_FREE_BYTES = 256 * 2 ** 20;

/** Rounds a byte size up to its class: powers of two to 64 KiB, then 8 classes per octave (at most 12.5% slack). */
export function sizeClass(bytes: number): number {
  const b = Math.max(16, Math.ceil(bytes / 16) * 16);
  if (b <= 65536) return 2 ** Math.ceil(Math.log2(b));
  const step = 2 ** (Math.floor(Math.log2(b - 1)) - 3);
  return Math.ceil(b / step) * step;
}

export class BufferPool {
  readonly #device: GPUDevice;
  readonly #free = new Map<string, GPUBuffer[]>();
  /** Every free buffer, least recently released first (a Set keeps insertion order). */
  readonly #freeOrder = new Set<GPUBuffer>();
  #pending: GPUBuffer[] = [];
  #created = 0;
  #inUse = 0;
  #freeCount = 0;
  #freeBytes = 0;

  /** The largest buffer the device allows (a multiple of 4): its limit need not be a class boundary. */
  readonly #maxSize: number;

  constructor(device: GPUDevice) {
    this.#device = device;
    this.#maxSize = device.limits.maxBufferSize - (device.limits.maxBufferSize % 4);
  }

  /** A buffer of at least `bytes` (a multiple of 4, at most the device's maxBufferSize, which callers check). */
  acquire(bytes: number, usage: GPUBufferUsageFlags, label: string): GPUBuffer {
    const size = Math.min(sizeClass(bytes), this.#maxSize);
    const reused = this.#free.get(`${usage}:${size}`)?.pop();
    this.#inUse++;
    if (reused) {
      this.#freeOrder.delete(reused);
      this.#freeCount--;
      this.#freeBytes -= size;
      reused.label = label;
      return reused;
    }
    this.#created++;
    return this.#device.createBuffer({ label, size, usage });
  }

  /** Gives a buffer back; it is reused after the next submit (see afterSubmit). */
  release(buffer: GPUBuffer): void {
    this.#inUse--;
    this.#pending.push(buffer);
  }

  /** Call right after queue.submit(): buffers released before it may now be reused. */
  afterSubmit(): void {
    for (const buffer of this.#pending) {
      if (buffer.size > MAX_FREE_BYTES) {
        buffer.destroy();
        continue;
      }
      // Evict the oldest free buffers rather than refuse this one: sizes in use now stay reusable after
      // a run of other sizes filled the pool (measured: a 64 MiB output re-created on every call otherwise).
      while (this.#freeBytes + buffer.size > MAX_FREE_BYTES) this.#evictOldest();
      const key = `${buffer.usage}:${buffer.size}`;
      let list = this.#free.get(key);
      if (!list) this.#free.set(key, (list = []));
      list.push(buffer);
      this.#freeOrder.add(buffer);
      this.#freeCount++;
      this.#freeBytes += buffer.size;
    }
    this.#pending = [];
  }

  #evictOldest(): void {
    const oldest = this.#freeOrder.values().next().value!;
    this.#freeOrder.delete(oldest);
    const list = this.#free.get(`${oldest.usage}:${oldest.size}`)!;
    list.splice(list.indexOf(oldest), 1);
    this.#freeCount--;
    this.#freeBytes -= oldest.size;
    oldest.destroy();
  }

  stats(): PoolStats {
    return { created: this.#created, inUse: this.#inUse, pending: this.#pending.length, free: this.#freeCount, freeBytes: this.#freeBytes };
  }

  destroyAll(): void {
    for (const list of this.#free.values()) for (const b of list) b.destroy();
    for (const b of this.#pending) b.destroy();
    this.#free.clear();
    this.#freeOrder.clear();
    this.#pending = [];
    this.#freeCount = 0;
    this.#freeBytes = 0;
  }
}

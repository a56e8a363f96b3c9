// The buffer pool's eviction, on a stand-in device that only records buffers (no GPU memory): a size in use
// stays pooled after other sizes filled the pool, because the least recently released are evicted first.
import { expect, test } from '@playwright/test';
import { BufferPool } from '../../src/gpu/buffer-pool.js';

interface FakeBuffer {
  size: number;
  usage: number;
  label: string;
  destroyed: boolean;
  destroy(): void;
}

function fakeDevice(maxBufferSize = 2 ** 30) {
  const buffers: FakeBuffer[] = [];
  const device = {
    limits: { maxBufferSize },
    createBuffer: ({ size, usage, label }: { size: number; usage: number; label: string }) => {
      const b: FakeBuffer = { size, usage, label, destroyed: false, destroy: () => void (b.destroyed = true) };
      buffers.push(b);
      return b;
    },
  };
  return { device: device as unknown as GPUDevice, buffers };
}

const MiB = 2 ** 20;
const STORAGE = 0x80;

test('a size in use stays pooled after other sizes filled the pool: the least recently released are evicted', () => {
  const { device, buffers } = fakeDevice();
  const pool = new BufferPool(device);
  const cycle = (bytes: number) => {
    pool.release(pool.acquire(bytes, STORAGE, `${bytes / MiB} MiB`));
    pool.afterSubmit(); // released buffers become free after the next submit
  };
  for (const mib of [40, 48, 56, 72, 80, 88]) cycle(mib * MiB); // 384 MiB in all, none of them 64 MiB
  const before = pool.stats();
  expect(before.freeBytes).toBeLessThanOrEqual(256 * MiB);
  expect(before.freeBytes).toBeGreaterThan(256 * MiB - 88 * MiB); // full, so a 64 MiB buffer needs evictions
  expect(buffers.filter((b) => b.destroyed).map((b) => b.size / MiB)).toEqual([40, 48, 56]); // the oldest went first
  for (let i = 0; i < 5; i++) cycle(64 * MiB);
  const after = pool.stats();
  expect(after.created - before.created).toBe(1); // created once, then reused four times
  expect(after.freeBytes).toBeLessThanOrEqual(256 * MiB);
  expect(buffers.filter((b) => b.destroyed).map((b) => b.size / MiB)).toEqual([40, 48, 56, 72]); // room for 64 MiB
  expect(after.inUse).toBe(0);
});

test('a buffer is not reused before the submit after its release', () => {
  const { device } = fakeDevice();
  const pool = new BufferPool(device);
  const a = pool.acquire(1024, STORAGE, 'a');
  pool.release(a);
  expect(pool.acquire(1024, STORAGE, 'b')).not.toBe(a); // an unsubmitted encoder may still use a
  pool.afterSubmit();
  expect(pool.acquire(1024, STORAGE, 'c')).toBe(a);
});

test("buffers are rounded up to their size class, but never past the device's maxBufferSize", () => {
  const limit = 144 * MiB + 64 * 1024; // between the classes of 144 and 160 MiB
  const { device } = fakeDevice(limit);
  const pool = new BufferPool(device);
  expect(pool.acquire(140 * MiB, STORAGE, 'below').size).toBe(144 * MiB);
  expect(pool.acquire(144 * MiB + 4, STORAGE, 'above').size).toBe(limit); // its class, 160 MiB, is too large
  expect(pool.acquire(limit, STORAGE, 'at').size).toBe(limit);
  expect(new BufferPool(fakeDevice(2 ** 30).device).acquire(144 * MiB + 4, STORAGE, 'room').size).toBe(160 * MiB);
});

// The WebGPU runtime itself: the bundle as a plain module, tensors, the pool, device loss.
import { expect, test } from './fixture.js';

test('dist/index.js is one self-contained module a page can import without a bundler', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const source = await (await fetch('/dist/index.js')).text();
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const lib = await import(/* @vite-ignore */ url);
    const rt = await lib.createGumbel();
    const words = await (await rt.randomBits([4], { seed: 0 })).read();
    rt.destroy();
    return { backend: rt.backend, imports: /^\s*import\s/m.test(source), words: Array.from(words) };
  });
  expect(r.imports).toBe(false);
  expect(r.backend).toBe('webgpu');
  expect(r.words).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]); // Random123's all-zero vector
});

test("backend 'auto' picks WebGPU here and names the adapter", async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const rt = await window.harness.lib.createGumbel();
    const out = { backend: rt.backend, info: rt.adapterInfo };
    rt.destroy();
    return out;
  });
  expect(r.backend).toBe('webgpu');
  expect(r.info?.vendor).toBeTruthy();
});

test('GPU tensors round-trip, read twice, destroy twice, and return their buffers to the pool', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const rt = window.rt;
    const data = Float32Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 1e3 + 0.5);
    const t = rt.tensor(data, [7, 11, 13]);
    const a = Array.from(await t.read());
    const b = Array.from(await t.read());
    t.destroy();
    t.destroy();
    const readAfterDestroy = await t.read().then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    // Released buffers become reusable after the next submit, so a steady loop stops creating buffers.
    const created: number[] = [];
    for (let i = 0; i < 20; i++) {
      const g = await rt.gumbel([1001], { seed: i });
      await g.read();
      g.destroy();
      created.push(rt.poolStats().created);
    }
    return { same: a.every((v, i) => v === data[i]) && b.every((v, i) => v === data[i]), shape: t.shape, created, stats: rt.poolStats(), readAfterDestroy };
  });
  expect(r.same).toBe(true);
  expect(r.shape).toEqual([7, 11, 13]);
  expect(r.readAfterDestroy).toMatch(/destroyed/);
  expect(r.created[19]).toBe(r.created[2]);
  expect(r.stats.inUse).toBe(0);
  expect(r.stats.pending).toBe(2); // the last tensor and its readback staging, until the next submit
  expect(r.stats.free + r.stats.pending).toBe(r.stats.created); // a buffer destroyed above the pool's cap would break this
});

test('read(into) fills a caller array of the tensor dtype and size on both backends; other targets are refused', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const { outcome } = window.harness;
    const out = [];
    for (const rt of [window.rt, window.cpu]) {
      const data = Float32Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 1e3 + 0.5);
      const t = rt.tensor(data, [7, 143]);
      const pool = new Float32Array(1001 + 6).fill(NaN); // poisoned, with 3 elements either side of the target
      const into = pool.subarray(3, 3 + 1001);
      const got = await t.read(into);
      const words = rt.tensor(Uint32Array.from({ length: 5 }, (_, i) => 0xfffffff0 + i));
      const w = new Uint32Array(5).fill(7);
      await words.read(w);
      out.push({
        backend: rt.backend,
        returnsInto: got === into,
        equal: into.every((v, i) => v === data[i]),
        outsideUntouched: [0, 1, 2, 1004, 1005, 1006].every((i) => Number.isNaN(pool[i]!)),
        words: Array.from(w),
        wrongType: await outcome(() => t.read(new Uint32Array(1001) as unknown as Float32Array)),
        wrongLength: await outcome(() => t.read(new Float32Array(1000))),
        notTyped: await outcome(() => t.read([1, 2] as unknown as Float32Array)),
        afterDestroy: (t.destroy(), await outcome(() => t.read(new Float32Array(1001)))),
      });
    }
    return out;
  });
  expect(r.map((c) => c.backend)).toEqual(['webgpu', 'cpu']);
  for (const c of r) {
    expect(c.returnsInto, c.backend).toBe(true);
    expect(c.equal, c.backend).toBe(true);
    expect(c.outsideUntouched, c.backend).toBe(true);
    expect(c.words, c.backend).toEqual([0xfffffff0, 0xfffffff1, 0xfffffff2, 0xfffffff3, 0xfffffff4]);
    expect(c.wrongType, c.backend).toMatch(/^TypeError: read\(into\): into must be a Float32Array for a 'f32' tensor, got/);
    expect(c.wrongLength, c.backend).toBe('RangeError: read(into): into has 1000 elements, the tensor 1001');
    expect(c.notTyped, c.backend).toMatch(/^TypeError: read\(into\)/);
    expect(c.afterDestroy, c.backend).toMatch(/destroyed/);
  }
});

test('a lost device makes pending and later calls reject naming the loss; a new runtime works', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const { createGumbel } = window.harness.lib;
    const rt = await createGumbel({ backend: 'webgpu' });
    const t = await rt.gumbel([1 << 16], { seed: 1 });
    const pending = t.read().then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    rt.device!.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const later = await rt.gumbel([4], { seed: 1 }).then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    const fresh = await createGumbel({ backend: 'webgpu' });
    const words = Array.from(await (await fresh.randomBits([4], { seed: 0 })).read());
    fresh.destroy();
    return { pending: await pending, later, words };
  });
  // The read raced the loss: it either finished first or rejects; after the loss every call names it.
  expect(r.pending === 'resolved' || /lost|destroyed|mapAsync|abort/i.test(r.pending), r.pending).toBe(true);
  expect(r.later).toMatch(/the GPU device was lost \(destroyed/);
  expect(r.words).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
});

test('a tensor larger than the device can hold is refused before allocating, with the sizes named', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const limit = window.rt.device!.limits.maxBufferSize;
    const before = window.rt.poolStats();
    const error = await window.harness.outcome(() => window.rt.gumbel([limit / 4 + 1], { seed: 1 }));
    return { error, same: JSON.stringify(before) === JSON.stringify(window.rt.poolStats()) };
  });
  expect(r.error).toMatch(/RangeError: a tensor of \d+ elements \(\d+ bytes\) exceeds this device's maxBufferSize of \d+ bytes/);
  expect(r.same).toBe(true);
});

test('draws and transforms larger than one binding are split (default-limit device: 128 MiB bindings)', async ({ gpuPage }) => {
  test.setTimeout(300_000);
  const r = await gpuPage.evaluate(async () => {
    const { rt, device } = await window.harness.defaultLimitRuntime();
    const chunk = Math.floor((device.limits.maxStorageBufferBindingSize - device.limits.minStorageBufferOffsetAlignment) / 4);
    const out = [];
    // At offset 3 every chunk stores lane by lane; at offset 8 the full chunks take vec4 stores (draw.wgsl?aligned)
    // and the last, of a length that is not a multiple of 4, lane stores.
    for (const [n, offset] of [[36_000_000, 3n], [36_000_002, 8n]] as const) { // 144 MB
      const rng = { seed: 77n, stream: 5n, offset };
      const words = await rt.randomBits([n], rng);
      const w = await words.read();
      const g = await (await rt.gumbelFromBits(words)).read();
      let wordMismatches = 0;
      let gumbelFailures = 0;
      for (const i0 of [0, chunk - 64, n - 64]) {
        const c = await (await window.cpu.randomBits([128], { ...rng, offset: rng.offset + BigInt(i0) })).read();
        for (let i = 0; i < 128 && i0 + i < n; i++) {
          if (c[i] !== w[i0 + i]) wordMismatches++;
          if (!window.harness.ref.gumbelWithinTolerance(g[i0 + i]!, window.harness.ref.gumbel64(w[i0 + i]!))) gumbelFailures++;
        }
      }
      words.destroy();
      out.push({ n, bytes: n * 4, wordMismatches, gumbelFailures });
    }
    rt.destroy();
    device.destroy();
    return { out, limit: device.limits.maxStorageBufferBindingSize };
  });
  expect(r.out).toHaveLength(2);
  for (const c of r.out) {
    expect(c.bytes).toBeGreaterThan(r.limit);
    expect(c.wordMismatches, `n ${c.n}`).toBe(0);
    expect(c.gumbelFailures, `n ${c.n}`).toBe(0);
  }
});

test('every kernel compiles on the device without errors or warnings', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const device = window.rt.device!;
    const out: { name: string; messages: string[] }[] = [];
    for (const spec of window.harness.allKernels) {
      if (spec.code.includes('enable subgroups') && !device.features.has('subgroups' as GPUFeatureName)) continue;
      const module = device.createShaderModule({ label: spec.name, code: spec.code });
      const info = await module.getCompilationInfo();
      out.push({ name: spec.name, messages: info.messages.map((m) => `${m.type} ${m.lineNum}:${m.linePos} ${m.message}`) });
    }
    return { out, subgroups: device.features.has('subgroups' as GPUFeatureName) };
  });
  expect(r.subgroups).toBe(true); // SwiftShader has them; elsewhere the subgroup kernels are skipped
  expect(r.out.map((k) => k.name).sort()).toEqual(
    ['draw', 'gumbel-from-bits', 'gumbel-softmax', 'gumbel-softmax-backward', 'gumbel-softmax-backward-by-invocation', 'gumbel-softmax-backward-subgroups', 'gumbel-softmax-by-invocation', 'gumbel-softmax-subgroups']
      .flatMap((name) => (name === 'gumbel-from-bits' ? [name] : [name, `${name}?aligned`]))
      .sort(),
  );
  for (const k of r.out) expect(k.messages, k.name).toEqual([]);
});

test('batch(): forward and backward in one submit equal the unbatched calls; reads, nesting and failures are refused cleanly, on WebGPU and on the CPU', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const rt = window.rt;
    const same = window.harness.sameValues;
    const out: Record<string, unknown> = {};
    for (const K of [8, 1000]) { // a short and a long row (by invocation on SwiftShader by default, else by workgroup)
      const logits = rt.tensor(Float32Array.from({ length: 14 * K }, (_, i) => Math.sin(i * 0.7) * 2), [14, K]);
      const dy = rt.tensor(Float32Array.from({ length: 14 * K }, (_, i) => Math.cos(i * 0.3)), [14, K]);
      const opts = { tau: 0.6, hard: true, seed: 9, offset: 3 };
      const submits: number[] = [];
      const submit = rt.device!.queue.submit;
      rt.device!.queue.submit = function (buffers) {
        submits.push(Array.from(buffers).length);
        return submit.call(this, buffers);
      };
      const batched = await rt.batch(async () => {
        const f = await rt.gumbelSoftmax(logits, { ...opts, outputs: ['y', 'index'] });
        const d = await rt.gumbelSoftmaxBackward({ logits, ...opts, dy });
        return { ...f, d };
      });
      const submitsInBatch = submits.length;
      rt.device!.queue.submit = submit;
      const f = await rt.gumbelSoftmax(logits, { ...opts, outputs: ['y', 'index'] });
      const d = await rt.gumbelSoftmaxBackward({ logits, ...opts, dy });
      out[`K${K}`] = {
        submitsInBatch,
        y: same(await batched.y.read(), await f.y.read()),
        index: same(await batched.index.read(), await f.index.read()),
        d: same(await batched.d.read(), await d.read()),
        yPoison: Array.from(await batched.y.read()).filter((v) => v !== 0 && v !== 1).length,
      };
      for (const t of [batched.y, batched.index, batched.d, f.y, f.index, d, logits, dy]) t.destroy();
    }
    // The rules hold on the CPU backend too, so code written against the fallback holds on a GPU.
    for (const [name, runtime] of [['webgpu', rt], ['cpu', window.cpu]] as const) {
      const logits = runtime.tensor(new Float32Array([1, 2, 3]), [3]);
      const rules: Record<string, unknown> = {};
      rules.readInside = await runtime
        .batch(async () => (await runtime.gumbelSoftmax(logits, { tau: 1, seed: 1 })).y.read())
        .then(() => 'resolved', (e: Error) => e.message);
      rules.nested = await runtime.batch(() => runtime.batch(async () => 1)).then(() => 'resolved', (e: Error) => e.message);
      let kept: { destroyed: boolean } | null = null;
      let uploaded: { destroyed: boolean } | null = null;
      rules.thrown = await runtime
        .batch(async () => {
          kept = (await runtime.gumbelSoftmax(logits, { tau: 1, seed: 1 })).y as unknown as { destroyed: boolean };
          uploaded = runtime.tensor(new Float32Array([4, 5])) as unknown as { destroyed: boolean };
          throw new Error('user error');
        })
        .then(() => 'resolved', (e: Error) => e.message);
      rules.destroyedOnThrow = kept!.destroyed;
      rules.uploadKept = !uploaded!.destroyed; // an upload is not an op's output
      // Other code's op while a batch runs (here, while work awaits) joins the batch: its read rejects until the
      // batch settles, and it is computed with the batch.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const open = runtime.batch(async () => { await gate; return 'done'; });
      const joined = await runtime.gumbelSoftmax(logits, { tau: 1, seed: 1 });
      rules.otherRead = await joined.index.read().then(() => 'resolved', (e: Error) => e.message);
      release();
      rules.opened = await open;
      rules.joinedIndex = Array.from(await joined.index.read());
      joined.y.destroy();
      joined.index.destroy();
      rules.after = Array.from(await (await runtime.gumbelSoftmax(logits, { tau: 1, seed: 1 })).index.read());
      rules.resolved = await runtime.batch(async () => 'result');
      logits.destroy();
      out[name] = rules;
    }
    return out;
  });
  for (const K of ['K8', 'K1000']) {
    expect(r[K], K).toEqual({ submitsInBatch: 1, y: true, index: true, d: true, yPoison: 0 });
  }
  for (const name of ['webgpu', 'cpu']) {
    const rules = r[name] as Record<string, unknown>;
    expect(rules.readInside, name).toMatch(/read\(\) inside batch\(\)/);
    expect(rules.nested, name).toMatch(/do not nest/);
    expect(rules.thrown, name).toBe('user error');
    expect(rules.destroyedOnThrow, name).toBe(true);
    expect(rules.uploadKept, name).toBe(true);
    expect(rules.otherRead, name).toMatch(/read\(\) inside batch\(\)/);
    expect(rules.opened, name).toBe('done');
    expect(rules.joinedIndex, name).toEqual(rules.after); // the same op (seed 1, offset 0) after the batch
    expect((rules.after as number[])[0], name).toBeLessThan(3);
    expect(rules.resolved, name).toBe('result');
  }
});

test('two runtimes on one device: a failing op in one batch fails that batch only, while the other batch is open', async ({ gpuPage }) => {
  // Error scopes are a stack per device. A batch whose scopes spanned its function's awaits caught the errors of
  // another runtime's batch opened inside that span (and not its own), so the wrong batch rejected.
  const r = await gpuPage.evaluate(async () => {
    const { lib, outcome } = window.harness;
    const device = await (await navigator.gpu.requestAdapter())!.requestDevice();
    const other = await (await navigator.gpu.requestAdapter())!.requestDevice();
    const [a, b] = [await lib.createGumbel({ device }), await lib.createGumbel({ device })];
    const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
    const data = new Float32Array([1, 2, 3, 4]);
    const foreign = a.tensorFromBuffer(other.createBuffer({ size: 64, usage: GPUBufferUsage.STORAGE }), [1, 4]);
    const good = b.tensor(data, [1, 4]);
    // A opens first; B opens inside A's batch; A's failing op is encoded while both are open; B closes first.
    const failing = outcome(() => a.batch(async () => {
      await sleep(30);
      await a.gumbelSoftmax(foreign, { tau: 1, seed: 1 });
      await sleep(60);
    }));
    await sleep(10);
    let y: number[] = [];
    const fine = outcome(async () => {
      const o = await b.batch(async () => {
        await sleep(50);
        return b.gumbelSoftmax(good, { tau: 1, seed: 1 });
      });
      y = Array.from(await o.y!.read());
    });
    const out = { failing: await failing, fine: await fine, y };
    const want = await (await window.cpu.gumbelSoftmax(window.cpu.tensor(data, [1, 4]), { tau: 1, seed: 1 })).y!.read();
    a.destroy();
    b.destroy();
    device.destroy();
    other.destroy();
    return { ...out, want: Array.from(want) };
  });
  expect(r.failing).toMatch(/^Error: gumbel-webgpu: batch failed on the GPU: /);
  expect(r.fine).toBe('resolved');
  r.y.forEach((v, i) => expect(v).toBeCloseTo(r.want[i]!, 5));
  expect(r.y).toHaveLength(4);
});

test("tensorFromBuffer and bufferOf share data with the caller's own WebGPU work, without copies", async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const rt = window.rt;
    const device = rt.device!;
    const same = window.harness.sameValues;
    const copyOut = async (buffer: GPUBuffer, bytes: number) => {
      const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(buffer, 0, staging, 0, bytes);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const out = new Float32Array(staging.getMappedRange().slice(0));
      staging.destroy();
      return out;
    };
    const [R, K] = [37, 100];
    const data = Float32Array.from({ length: R * K }, (_, i) => Math.sin(i * 0.7) * 4);
    const data2 = Float32Array.from({ length: R * K }, (_, i) => Math.cos(i * 0.9) * 3);
    const dyData = Float32Array.from({ length: R * K }, (_, i) => Math.sin(i * 0.13));
    // The caller's buffers hold one more element than the tensor, a NaN that no kernel may read, and two bytes
    // more (a size that is not a multiple of 4).
    const own = (a: Float32Array, usage: number) => {
      const b = device.createBuffer({ size: (a.length + 1) * 4 + 2, usage });
      device.queue.writeBuffer(b, 0, Float32Array.from([...a, NaN]));
      return b;
    };
    const logitsBuffer = own(data, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC);
    const dyBuffer = own(dyData, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST); // no COPY_SRC: read() is refused
    const createdBefore = rt.poolStats().created;
    const logits = rt.tensorFromBuffer(logitsBuffer, [R, K]);
    const dy = rt.tensorFromBuffer(dyBuffer, [R, K], 'f32');
    const createdByWrapping = rt.poolStats().created - createdBefore;
    const opts = { tau: 0.8, seed: 9, outputs: ['y', 'logSoftmax', 'index'] as ('y' | 'logSoftmax' | 'index')[] };
    const run = async (l: typeof logits, d: typeof dy) => {
      const o = await rt.gumbelSoftmax(l, opts);
      const grad = await rt.gumbelSoftmaxBackward({ logits: l, tau: 0.8, seed: 9, dy: d });
      return { o, y: await o.y.read(), logSoftmax: await o.logSoftmax.read(), index: await o.index.read(), grad: await grad.read() };
    };
    const matches = (a: Awaited<ReturnType<typeof run>>, b: Awaited<ReturnType<typeof run>>) =>
      same(a.y, b.y) && same(a.logSoftmax, b.logSoftmax) && same(a.index, b.index) && same(a.grad, b.grad);
    const dyUploaded = rt.tensor(dyData, [R, K]);
    const wrapped = await run(logits, dy);
    const uploaded = await run(rt.tensor(data, [R, K]), dyUploaded);
    // The same index as the CPU backend: the wrapped path computes what the tested one does.
    const cpuIndex = await (await window.cpu.gumbelSoftmax(window.cpu.tensor(data, [R, K]), { ...opts, outputs: ['index'] })).index.read();
    // An output's buffer, copied out by the caller's own commands.
    const copiedY = await copyOut(rt.bufferOf(wrapped.o.y), R * K * 4);
    // The caller writes new logits into its buffer: later ops on the wrapped tensor see them.
    device.queue.writeBuffer(logitsBuffer, 0, data2);
    const rewritten = await run(logits, dy);
    const uploaded2 = await run(rt.tensor(data2, [R, K]), dyUploaded);
    const readBack = await logits.read();
    const dyRead = await window.harness.outcome(() => dy.read());
    const inUseBefore = rt.poolStats().inUse;
    logits.destroy();
    const inUseChange = rt.poolStats().inUse - inUseBefore; // 0: the pool never held the caller's buffer
    const afterDestroy = await copyOut(logitsBuffer, R * K * 4); // still the caller's, still alive
    // Destroying a runtime that wrapped the buffer leaves it alive too.
    const second = await window.harness.lib.createGumbel({ device });
    second.tensorFromBuffer(logitsBuffer, [R, K]);
    second.destroy();
    const afterRuntimeDestroy = await copyOut(logitsBuffer, R * K * 4);
    const bufferOfDestroyed = await window.harness.outcome(() => rt.bufferOf(logits));
    logitsBuffer.destroy();
    dyBuffer.destroy();
    return {
      createdByWrapping,
      wrappedMatchesUploaded: matches(wrapped, uploaded),
      indexMatchesCpu: same(wrapped.index, cpuIndex),
      finite: wrapped.y.every(Number.isFinite) && wrapped.grad.every(Number.isFinite),
      copiedY: same(copiedY, wrapped.y),
      rewrittenMatchesUploaded: matches(rewritten, uploaded2),
      rewrittenDiffers: !same(rewritten.y, wrapped.y),
      readBack: same(readBack, data2),
      dyRead,
      afterDestroy: same(afterDestroy, data2),
      inUseChange,
      afterRuntimeDestroy: same(afterRuntimeDestroy, data2),
      bufferOfDestroyed,
    };
  });
  expect(r.createdByWrapping).toBe(0);
  expect(r.wrappedMatchesUploaded).toBe(true);
  expect(r.indexMatchesCpu).toBe(true);
  expect(r.finite).toBe(true);
  expect(r.copiedY).toBe(true);
  expect(r.rewrittenMatchesUploaded).toBe(true);
  expect(r.rewrittenDiffers).toBe(true);
  expect(r.readBack).toBe(true);
  expect(r.dyRead).toBe("TypeError: read(): the tensor's buffer has no COPY_SRC usage, so it cannot be copied out");
  expect(r.afterDestroy).toBe(true);
  expect(r.inUseChange).toBe(0);
  expect(r.afterRuntimeDestroy).toBe(true);
  expect(r.bufferOfDestroyed).toBe('TypeError: tensor was destroyed');
});

test('tensorFromBuffer and bufferOf refuse bad arguments clearly, a buffer of another device fails its op, and the runtime stays usable', async ({ gpuPage }) => {
  const r = await gpuPage.evaluate(async () => {
    const rt = window.rt;
    const device = rt.device!;
    const { outcome } = window.harness;
    const buffer = (size: number, usage: number, mappedAtCreation = false) => device.createBuffer({ size, usage, mappedAtCreation });
    const STORAGE = GPUBufferUsage.STORAGE;
    const mapped = buffer(16, STORAGE, true);
    const otherDevice = await (await navigator.gpu.requestAdapter())!.requestDevice();
    const foreign = otherDevice.createBuffer({ size: 64, usage: STORAGE | GPUBufferUsage.COPY_DST });
    otherDevice.queue.writeBuffer(foreign, 0, Float32Array.from({ length: 16 }, (_, i) => i * 0.25));
    const destroyedByCaller = buffer(64, STORAGE);
    const errors = {
      notBuffer: await outcome(() => rt.tensorFromBuffer({} as GPUBuffer, [4])),
      nullBuffer: await outcome(() => rt.tensorFromBuffer(null as unknown as GPUBuffer, [4])),
      noStorage: await outcome(() => rt.tensorFromBuffer(buffer(16, GPUBufferUsage.COPY_DST), [4])),
      tooSmall: await outcome(() => rt.tensorFromBuffer(buffer(16, STORAGE), [5])),
      badShape: await outcome(() => rt.tensorFromBuffer(buffer(16, STORAGE), [2.5])),
      badDtype: await outcome(() => rt.tensorFromBuffer(buffer(16, STORAGE), [4], 'f64' as 'f32')),
      mapped: await outcome(() => rt.tensorFromBuffer(mapped, [4])),
      bufferOfObject: await outcome(() => rt.bufferOf({} as never)),
      bufferOfCpuTensor: await outcome(() => rt.bufferOf(window.cpu.tensor(new Float32Array(4)))),
      cpuTensorFromBuffer: await outcome(() => window.cpu.tensorFromBuffer(buffer(16, STORAGE), [4])),
      cpuBufferOf: await outcome(() => window.cpu.bufferOf(window.cpu.tensor(new Float32Array(4)))),
      foreignDevice: await outcome(() => rt.gumbelSoftmax(rt.tensorFromBuffer(foreign, [4, 4]), { tau: 1, seed: 1 })),
      destroyedByCaller: await outcome(() => {
        const t = rt.tensorFromBuffer(destroyedByCaller, [4, 4]);
        destroyedByCaller.destroy();
        return rt.gumbelSoftmax(t, { tau: 1, seed: 1 });
      }),
    };
    mapped.unmap();
    otherDevice.destroy();
    // Still usable: a draw gives Random123's all-zero vector.
    const words = Array.from(await (await rt.randomBits([4], { seed: 0 })).read());
    return { errors, words, pool: rt.poolStats() };
  });
  expect(r.errors).toEqual({
    notBuffer: 'TypeError: buffer must be a GPUBuffer, got Object',
    nullBuffer: 'TypeError: buffer must be a GPUBuffer, got null',
    noStorage: 'TypeError: buffer must have STORAGE usage (GPUBufferUsage.STORAGE) for the kernels to bind it',
    tooSmall: 'RangeError: shape [5] needs 20 bytes, but the buffer has 16',
    badShape: 'RangeError: shape[0] must be a non-negative integer, got 2.5',
    badDtype: `RangeError: dtype must be 'f32' or 'u32', got "f64"`,
    mapped: 'TypeError: buffer is mapped: unmap it before the GPU can use it',
    bufferOfObject: 'TypeError: tensor must be a tensor, got Object',
    bufferOfCpuTensor: 'TypeError: tensor is a tensor of another runtime or backend',
    cpuTensorFromBuffer: 'TypeError: tensorFromBuffer: the CPU backend has no GPU buffers; upload data with tensor()',
    cpuBufferOf: 'TypeError: bufferOf: the CPU backend has no GPU buffers; read the tensor with read()',
    foreignDevice: expect.stringMatching(/^Error: gumbel-webgpu: gumbelSoftmax failed on the GPU: /),
    destroyedByCaller: expect.stringMatching(/^Error: gumbel-webgpu: gumbelSoftmax failed on the GPU: /),
  });
  expect(r.words).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
  expect(r.pool.inUse).toBe(1); // the draw's output; the failed ops freed theirs
});

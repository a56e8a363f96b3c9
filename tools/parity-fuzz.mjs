// The WebGPU backend against the CPU backend over random cases and every kernel strategy (CreateOptions),
// through Dawn in Node: a screen for gross errors (a wrong Philox word, row, lane, mask, index or NaN) on
// adapters the test suite does not reach, such as a lent GPU (tools/gpu-session.sh runs it there).
//   node tools/parity-fuzz.mjs [--seconds=60] [--seed=1]
// On this machine add LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json.
// Cases are drawn until --seconds have passed, one strategy after another and at least one each: K from 1 to
// 65537 (the awkward sizes), up to 300 rows, batch shapes of one or two axes, 1-3 samples, scalar or per-row
// temperatures, offsets near 2^64 (rows crossing it), 3% masked logits and some rows with +-3e38, 1e30 or
// -Infinity; y, logSoftmax, index and the backward with dy (infinite or NaN at masked logits, where it must
// have no effect) and dLogSoftmax. The tolerances are looser than the
// tests' (test/support/softmax-reference.ts): for logSoftmax, 4e-6 (L + 25) / tau (L: the row's largest finite
// |logit|; it bounds the Gumbel tolerance plus v's rounding) plus 1e-5 relative plus 1e-4 log2(K + 1) for the
// exp, the sum and the log; y relative to that; dLogits 1e-4 of the row's scale. An index may differ only where
// the two logSoftmax values are within that tolerance (printed as a near-tie; then a hard y may differ too).
// A control per strategy checks that the screen can fail: the CPU's result for the offset moved by one must
// be flagged. Exits 1 if a case is flagged or a control is not.
import { create, globals } from 'webgpu';
import { createGumbel } from '../dist/index.js';

const arg = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const seconds = arg('seconds', 60);
let state = arg('seed', 1) >>> 0;
const rnd = () => { // mulberry32
  state = (state + 0x6d2b79f5) >>> 0;
  let t = Math.imul(state ^ (state >>> 15), state | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (a) => a[Math.floor(rnd() * a.length)];

Object.assign(globalThis, globals);
const gpu = create([]);
const CONFIGS = [
  {},
  { rowPerInvocation: false },
  { rowPerInvocation: false, subgroups: false },
  { rowPerInvocation: false, rowSplit: true },
  { rowPerInvocation: false, rowSplit: false },
  { rowPerInvocation: false, rowCache: true },
  { rowPerInvocation: false, stash: false },
  { rowPerInvocation: true, stash: false },
  { philoxFloatProducts: false },
  { philoxFloatProducts: true }, // on GPUs, where it is off by default; creation rejects if its check fails
];
const gpus = [];
for (const c of CONFIGS) {
  gpus.push(await createGumbel({ backend: 'webgpu', gpu, ...c }).catch((e) => {
    console.log(`not run: ${JSON.stringify(c)}: ${e.message}`);
    return null;
  }));
}
const cpu = await createGumbel({ backend: 'cpu' });
console.log(`adapter: ${JSON.stringify(gpus[0].adapterInfo)}`);

function drawCase(control) {
  const K = control ? 300 : pick([1, 2, 3, 4, 5, 7, 8, 9, 31, 63, 64, 65, 255, 256, 257, 1000, 4095, 4096, 4097, 5000, 16385, 65537]);
  const R = control ? 20 : Math.max(1, Math.min(pick([1, 2, 3, 5, 14, 63, 65, 130, 300]), Math.floor(300000 / K)));
  const batch = rnd() < 0.3 && R % 2 === 0 ? [2, R / 2] : [R];
  const scale = control ? 1 : pick([0.1, 1, 10, 100, 1e4]);
  const logits = Float32Array.from({ length: R * K }, () => (rnd() < 0.03 ? -Infinity : (rnd() - 0.5) * scale));
  if (!control) {
    for (let r = 0; r < R; r++) {
      if (rnd() < 0.15) for (let j = 0; j <= Math.floor(rnd() * 3); j++) logits[r * K + Math.floor(rnd() * K)] = pick([3e38, -3e38, 1e30, -Infinity]);
    }
  }
  const perRow = rnd() < 0.3;
  return {
    R, K, batch, logits, perRow,
    samples: rnd() < 0.2 ? pick([2, 3]) : 1,
    taus: Float32Array.from({ length: R }, () => Math.exp((rnd() - 0.5) * 8)),
    tau: pick([0.01, 0.1, 0.5, 1, 5, 100]),
    hard: rnd() < 0.5,
    rng: {
      seed: BigInt(Math.floor(rnd() * 2 ** 52)),
      stream: Math.floor(rnd() * 100),
      // Near 2^64, but at most 2^64 - 2: offsets are below 2^64, and the control adds 1.
      offset: rnd() < 0.3 ? 2n ** 64n - 2n - BigInt(Math.floor(rnd() * 1000)) : BigInt(Math.floor(rnd() * 1e6)),
    },
  };
}

async function run(rt, c, offsetShift = 0n) {
  const logits = rt.tensor(c.logits, [...c.batch, c.K]);
  const tau = c.perRow ? rt.tensor(c.taus, c.batch) : c.tau;
  const rng = { ...c.rng, offset: c.rng.offset + offsetShift };
  const f = await rt.gumbelSoftmax(logits, { tau, hard: c.hard, samples: c.samples, ...rng, outputs: ['y', 'logSoftmax', 'index'] });
  const masked = (i) => c.logits[i % c.logits.length] === -Infinity;
  const dy = rt.tensor(Float32Array.from({ length: f.y.size }, (_, i) => (masked(i) ? [Infinity, -Infinity, NaN][i % 3] : Math.sin(i * 1.3))), f.y.shape);
  const dl = rt.tensor(Float32Array.from({ length: f.y.size }, (_, i) => Math.cos(i * 0.7) * 0.1), f.y.shape);
  const d = await rt.gumbelSoftmaxBackward({ logits, tau, samples: c.samples, ...rng, dy, dLogSoftmax: dl });
  const out = { y: await f.y.read(), ls: await f.logSoftmax.read(), index: await f.index.read(), dLogits: await d.read() };
  for (const t of [logits, f.y, f.logSoftmax, f.index, dy, dl, d]) t.destroy();
  if (typeof tau !== 'number') tau.destroy();
  return out;
}

// The first difference beyond tolerance, or null; stats collects the largest error / tolerance and the near-ties.
function compare(c, g, x, stats) {
  const { R, K } = c;
  const tauOf = (row) => (c.perRow ? c.taus[row % R] : c.tau);
  // Per logits row r (output row g has r = g % R): logSoftmax's absolute tolerance, and dLogits' scale.
  const rowMax = (values, r, abs) => {
    let m = 0;
    for (let k = 0; k < K; k++) {
      const v = abs(values[r * K + k]);
      if (Number.isFinite(v)) m = Math.max(m, v);
    }
    return m;
  };
  const rowLs = Array.from({ length: R }, (_, r) => (4e-6 * (rowMax(c.logits, r, Math.abs) + 25)) / tauOf(r) + 1e-4 * Math.log2(K + 1));
  const dLogitsScale = Array.from({ length: R }, (_, r) => rowMax(x.dLogits, r, (v) => Math.abs(v) || 0) + 1 / tauOf(r));
  const lsTol = (i) => rowLs[Math.floor(i / K) % R] + 1e-5 * Math.abs(x.ls[i]);
  // A near-tie may pick another index (and, when hard, another one-hot y).
  const tied = new Set();
  for (let row = 0; row < g.index.length; row++) {
    if (g.index[row] === x.index[row]) continue;
    const gap = Math.abs(x.ls[row * K + g.index[row]] - x.ls[row * K + x.index[row]]);
    if (!(gap <= 2 * lsTol(row * K + x.index[row]))) return `index[${row}]: GPU ${g.index[row]}, CPU ${x.index[row]}, logSoftmax gap ${gap}`;
    console.log(`near-tie: row ${row} of ${describe(c)}: GPU ${g.index[row]}, CPU ${x.index[row]}, gap ${gap}, tolerance ${lsTol(row * K + x.index[row])}`);
    tied.add(row);
    stats.ties++;
  }
  const checks = [
    ['logSoftmax', g.ls, x.ls, lsTol],
    ['y', g.y, x.y, (i) => (c.hard ? (tied.has(Math.floor(i / K)) ? Infinity : 0) : x.y[i] * lsTol(i)) + 1e-30],
    ['dLogits', g.dLogits, x.dLogits, (i) => {
      const r = Math.floor(i / K);
      return 1e-4 * c.samples * dLogitsScale[r] * (1 + 100 * rowLs[r]);
    }],
  ];
  for (const [name, a, b, tolOf] of checks) {
    for (let i = 0; i < a.length; i++) {
      if (Number.isNaN(a[i]) || Number.isNaN(b[i])) {
        if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return `${name}[${i}]: GPU ${a[i]}, CPU ${b[i]}`;
        continue;
      }
      const r = a[i] === b[i] ? 0 : Math.abs(a[i] - b[i]) / tolOf(i);
      stats.worst = Math.max(stats.worst, r);
      if (!(r <= 1)) return `${name}[${i}]: GPU ${a[i]}, CPU ${b[i]}, ${r.toFixed(1)}x the tolerance`;
    }
  }
  return null;
}

const describe = (c) => JSON.stringify({ batch: c.batch, K: c.K, samples: c.samples, tau: c.perRow ? 'rows' : c.tau, hard: c.hard, offset: String(c.rng.offset) });
let failures = 0;
for (const [i, rt] of gpus.entries()) {
  if (!rt) continue;
  const c = drawCase(true);
  const flagged = compare(c, await run(rt, c), await run(cpu, c, 1n), { worst: 0, ties: 0 });
  if (!flagged) {
    failures++;
    console.log(`control not flagged: ${JSON.stringify(CONFIGS[i])} ${describe(c)}`);
  }
}
const counts = CONFIGS.map(() => 0);
const stats = { worst: 0, ties: 0 };
const start = performance.now();
let cases = 0;
const live = CONFIGS.map((_, i) => i).filter((i) => gpus[i]);
while (cases < live.length || performance.now() - start < seconds * 1000) {
  const i = live[cases % live.length];
  const c = drawCase(false);
  const bad = compare(c, await run(gpus[i], c), await run(cpu, c), stats);
  cases++;
  counts[i]++;
  if (bad) {
    failures++;
    console.log(`flagged: ${JSON.stringify(CONFIGS[i])} ${describe(c)}: ${bad}`);
  }
}
console.log(JSON.stringify({ cases, perConfig: CONFIGS.map((c, i) => [JSON.stringify(c), counts[i]]), failures, nearTies: stats.ties, worstRatio: Number(stats.worst.toFixed(3)) }));
for (const rt of gpus) rt?.destroy();
process.exit(failures ? 1 : 0);

// The demo page: a backend badge and switch, the temperature playground and the toy architecture search.
// window.demo exposes the numbers on the page for the tests and the headless runner.
import { createGumbel, type GumbelRuntime } from '../src/index.js';
import { lineChart } from './charts.js';
import { readNumber } from './inputs.js';
import { createPlayground } from './playground.js';
import { DEFAULT_SEARCH, runSearch, type SearchOptions, type SearchResult, type StepReport } from './search-core.js';

const $ = <T extends Element>(id: string) => document.getElementById(id) as unknown as T;

const runtimes: Partial<Record<'webgpu' | 'cpu', GumbelRuntime>> = { cpu: await createGumbel({ backend: 'cpu' }) };
try {
  runtimes.webgpu = await createGumbel({ backend: 'webgpu' });
} catch (error) {
  console.warn(`WebGPU unavailable, using the CPU fallback: ${(error as Error).message}`);
}
let current: GumbelRuntime = runtimes.webgpu ?? runtimes.cpu!;

function showBackend(): void {
  const badge = $<HTMLSpanElement>('badge');
  const info = current.adapterInfo;
  badge.textContent = current.backend === 'webgpu' ? `WebGPU: ${info?.vendor || 'unknown vendor'} ${info?.architecture || ''}`.trim() : 'CPU fallback';
  badge.classList.toggle('cpu', current.backend === 'cpu');
  badge.dataset.backend = current.backend;
}

const select = $<HTMLSelectElement>('backend');
for (const name of ['webgpu', 'cpu'] as const) {
  if (!runtimes[name]) continue;
  const option = document.createElement('option');
  option.value = name;
  option.textContent = name === 'webgpu' ? 'WebGPU' : 'CPU fallback';
  select.append(option);
}
select.value = current.backend;
select.disabled = select.options.length < 2;

const report = (label: string) => (ms: number) => ($<HTMLSpanElement>('timing').textContent = `${label}: ${ms.toFixed(1)} ms`);
const playground = createPlayground(() => current, report('last draw'));

async function setBackend(name: 'webgpu' | 'cpu'): Promise<void> {
  const rt = runtimes[name];
  if (!rt) throw new Error(`backend ${name} is not available here`);
  current = rt;
  select.value = name;
  showBackend();
  await playground.update();
}
select.addEventListener('change', () => void setBackend(select.value as 'webgpu' | 'cpu'));

// ---- the search panel
$<HTMLElement>('edges-label').textContent = String(DEFAULT_SEARCH.edges);
$<HTMLElement>('ops-label').textContent = String(DEFAULT_SEARCH.ops);

function drawProbs(probs: Float64Array, best: number[] | null, o: SearchOptions): void {
  const grid = $<HTMLDivElement>('probs');
  grid.style.gridTemplateColumns = `repeat(${o.ops}, 1fr)`;
  grid.replaceChildren();
  for (let e = 0; e < o.edges; e++) {
    for (let m = 0; m < o.ops; m++) {
      const cell = document.createElement('div');
      const p = probs[e * o.ops + m]!;
      cell.style.background = `rgba(53, 99, 233, ${0.08 + 0.92 * p})`;
      cell.title = `edge ${e}, op ${m}: ${p.toFixed(3)}`;
      if (best?.[e] === m) cell.className = 'best';
      grid.append(cell);
    }
  }
}

let lastResult: SearchResult | null = null;

async function train(overrides: Partial<SearchOptions> = {}): Promise<SearchResult> {
  const o: SearchOptions = { ...DEFAULT_SEARCH, schedule: $<HTMLSelectElement>('schedule').value as SearchOptions['schedule'], steps: readNumber($<HTMLInputElement>('steps'), DEFAULT_SEARCH.steps, true), ...overrides };
  const button = $<HTMLButtonElement>('train');
  button.disabled = true;
  const losses: number[] = [];
  const taus: number[] = [];
  const status = $<HTMLSpanElement>('train-status');
  let lastProbs: Float64Array | null = null;
  try {
    const result = await runSearch(current, o, async (r: StepReport) => {
      losses.push(r.loss);
      taus.push(r.tau);
      lastProbs = r.probs;
      report('last step')(r.ms);
      if (r.step % 5 === 0 || r.step === o.steps - 1) {
        status.textContent = `step ${r.step + 1} / ${o.steps}, tau ${r.tau.toFixed(3)}, loss ${r.loss.toFixed(3)}`;
        drawProbs(r.probs, null, o);
        lineChart($('curves'), [
          { values: losses, color: '#d7263d', label: 'loss' },
          { values: taus, color: '#1f9d55', label: 'tau' },
        ], o.steps);
        await new Promise(requestAnimationFrame); // let the page paint
      }
    });
    lastResult = result;
    if (lastProbs) drawProbs(lastProbs, result.best, o);
    const panel = $<HTMLElement>('search');
    panel.dataset.recovered = String(result.recovered);
    panel.dataset.edges = String(o.edges);
    panel.dataset.finalLoss = String(result.finalLoss);
    $<HTMLParagraphElement>('result').textContent =
      `Derived architecture [${result.derived.join(' ')}], true best [${result.best.join(' ')}]: ` +
      `${result.recovered} of ${o.edges} edges recovered in ${result.steps} steps (${(result.ms / 1000).toFixed(1)} s on ${current.backend}).`;
    status.textContent = 'done';
    return result;
  } finally {
    button.disabled = false;
  }
}
$<HTMLButtonElement>('train').addEventListener('click', () =>
  train().catch((error: unknown) => {
    $<HTMLSpanElement>('train-status').textContent = `failed: ${(error as Error).message}`;
    console.error(error);
  }),
);

showBackend();
await playground.update();

declare global {
  interface Window {
    demo: {
      backend: () => string;
      adapter: () => GumbelRuntime['adapterInfo'];
      backends: string[];
      setBackend: typeof setBackend;
      playground: typeof playground.state;
      /** Draws the playground again (after any pending draw) and resolves when it is on the page. */
      redraw: () => Promise<void>;
      train: typeof train;
      lastResult: () => SearchResult | null;
    };
  }
}

window.demo = {
  backend: () => current.backend,
  adapter: () => current.adapterInfo,
  backends: Object.keys(runtimes),
  setBackend,
  playground: playground.state,
  redraw: () => playground.update(),
  train,
  lastResult: () => lastResult,
};
document.body.dataset.ready = 'true';

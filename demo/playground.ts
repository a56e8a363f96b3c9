// The temperature playground: many samples of one logit vector per change, drawn in a single call.
import type { GumbelRuntime } from '../src/index.js';
import { barChart, svgEl } from './charts.js';
import { readNumber } from './inputs.js';

export const PLAYGROUND_SAMPLES = 4096;
const TRIANGLE_POINTS = 1500;

export interface PlaygroundState {
  K: number;
  logits: number[];
  tau: number;
  hard: boolean;
  seed: number;
  /** softmax(logits): what the index frequencies should approach. */
  probs: number[];
  /** Empirical frequency of each index over the samples. */
  freqs: number[];
  meanY: number[];
  samples: number;
  ms: number;
  /** The first samples' y, for the replay check. */
  firstY: number[];
}

const $ = <T extends Element>(id: string) => document.getElementById(id) as unknown as T;

/** tau from the log-scale slider position in [0, 1000]: 0.05 ... 10. */
export const sliderTau = (v: number): number => 0.05 * (10 / 0.05) ** (v / 1000);

export function softmax(xs: number[]): number[] {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
}

export async function drawSamples(rt: GumbelRuntime, logits: number[], tau: number, hard: boolean, seed: number) {
  const t0 = performance.now();
  const l = rt.tensor(Float32Array.from(logits), [logits.length]);
  const { y, index } = await rt.gumbelSoftmax(l, { tau, hard, seed, samples: PLAYGROUND_SAMPLES, outputs: ['y', 'index'] });
  const [yv, iv] = [await y.read(), await index.read()];
  for (const t of [l, y, index]) t.destroy();
  return { y: yv, index: iv, ms: performance.now() - t0 };
}

export function createPlayground(getRuntime: () => GumbelRuntime, report: (ms: number) => void) {
  const state: PlaygroundState = { K: 4, logits: [1.5, 0.5, 0, -1], tau: sliderTau(500), hard: false, seed: 1, probs: [], freqs: [], meanY: [], samples: 0, ms: 0, firstY: [] };
  let pending: Promise<void> = Promise.resolve();

  const renderLogitInputs = () => {
    const box = $<HTMLDivElement>('logits');
    box.replaceChildren();
    state.logits.forEach((v, i) => {
      const label = document.createElement('label');
      label.textContent = `logit ${i} `;
      const input = document.createElement('input');
      Object.assign(input, { type: 'number', step: '0.1', min: '-1000', max: '1000', value: String(v), id: `logit-${i}` });
      input.addEventListener('change', () => {
        state.logits[i] = readNumber(input, 0, false);
        void update();
      });
      label.append(input);
      box.append(label);
    });
  };

  const drawTriangle = (y: Float32Array) => {
    const svg = $<SVGSVGElement>('simplex');
    svg.replaceChildren();
    $<HTMLElement>('simplex-figure').hidden = state.K !== 3;
    if (state.K !== 3) return;
    $('simplex-caption').textContent = state.hard
      ? 'hard samples on the probability triangle (K = 3): one-hot, so at the corners'
      : 'soft samples on the probability triangle (K = 3)';
    const corners = [
      [150, 15],
      [15, 250],
      [285, 250],
    ] as const;
    svg.append(svgEl('polygon', { points: corners.map((c) => c.join(',')).join(' '), fill: 'none', stroke: '#9aa3b2' }));
    corners.forEach((c, i) => svg.append(svgEl('text', { x: c[0] + (i === 0 ? 6 : i === 1 ? -12 : 4), y: c[1] + (i === 0 ? 0 : 14) }, String(i))));
    for (let s = 0; s < Math.min(TRIANGLE_POINTS, PLAYGROUND_SAMPLES); s++) {
      const [a, b, c] = [y[3 * s]!, y[3 * s + 1]!, y[3 * s + 2]!];
      svg.append(svgEl('circle', { cx: a * corners[0][0] + b * corners[1][0] + c * corners[2][0], cy: a * corners[0][1] + b * corners[1][1] + c * corners[2][1], r: 1.6, fill: '#3563e9', 'fill-opacity': 0.35 }));
    }
  };

  async function redraw(): Promise<void> {
    const rt = getRuntime();
    const { y, index, ms } = await drawSamples(rt, state.logits, state.tau, state.hard, state.seed);
    const K = state.K;
    const counts = new Array<number>(K).fill(0);
    for (const i of index) counts[i]!++;
    const mean = new Array<number>(K).fill(0);
    for (let i = 0; i < y.length; i++) mean[i % K]! += y[i]! / PLAYGROUND_SAMPLES;
    Object.assign(state, { probs: softmax(state.logits), freqs: counts.map((c) => c / PLAYGROUND_SAMPLES), meanY: mean, samples: PLAYGROUND_SAMPLES, ms, firstY: Array.from(y.slice(0, 4 * K)) });
    barChart($('freq-chart'), [
      { values: state.probs, color: '#9aa3b2', label: 'softmax(logits)' },
      { values: state.freqs, color: '#3563e9', label: 'frequency of index' },
    ]);
    barChart($('mean-chart'), [{ values: state.meanY, color: '#1f9d55', label: `mean y (tau ${state.tau.toFixed(3)}${state.hard ? ', hard' : ''})` }]);
    drawTriangle(y);
    const panel = $<HTMLElement>('playground');
    panel.dataset.tau = String(state.tau);
    panel.dataset.hard = String(state.hard);
    panel.dataset.freqs = JSON.stringify(state.freqs);
    panel.dataset.probs = JSON.stringify(state.probs);
    report(ms);
  }

  /** A failed draw is shown on the page and logged; the next change draws again. */
  const drawFailed = (error: unknown) => {
    $<HTMLSpanElement>('playground-status').textContent = `draw failed: ${(error as Error).message}`;
    console.error(error);
  };

  /** Serializes redraws: every change waits for the previous draw. */
  function update(): Promise<void> {
    pending = pending.then(redraw).catch(drawFailed);
    return pending;
  }

  $<HTMLSpanElement>('sample-count').textContent = String(PLAYGROUND_SAMPLES);
  $<HTMLInputElement>('k').addEventListener('change', (e) => {
    const K = readNumber(e.target as HTMLInputElement, 3, true);
    state.K = K;
    state.logits = Array.from({ length: K }, (_, i) => state.logits[i] ?? 0);
    renderLogitInputs();
    void update();
  });
  const tauInput = $<HTMLInputElement>('tau');
  const showTau = () => ($<HTMLOutputElement>('tau-value').value = state.tau.toFixed(3));
  tauInput.addEventListener('input', () => {
    state.tau = sliderTau(Number(tauInput.value));
    showTau();
    void update();
  });
  $<HTMLInputElement>('hard').addEventListener('change', (e) => {
    state.hard = (e.target as HTMLInputElement).checked;
    void update();
  });
  $<HTMLInputElement>('seed').addEventListener('change', (e) => {
    state.seed = readNumber(e.target as HTMLInputElement, 0, true);
    void update();
  });
  $<HTMLButtonElement>('replay').addEventListener('click', async () => {
    await pending;
    const before = state.firstY.slice();
    try {
      const again = await drawSamples(getRuntime(), state.logits, state.tau, state.hard, state.seed);
      const same = before.every((v, i) => v === again.y[i]);
      $<HTMLSpanElement>('playground-status').textContent = same ? 'identical samples: the same (seed, stream, offset) reproduces them' : 'samples differ!';
      $<HTMLElement>('playground').dataset.replay = String(same);
    } catch (error) {
      drawFailed(error);
    }
  });
  renderLogitInputs();
  showTau();
  return { state, update };
}

// Validation and shapes of gumbelSoftmax / gumbelSoftmaxBackward, shared by both backends.
import type { GumbelSoftmaxBackwardOptions, GumbelSoftmaxOptions, SoftmaxOutput, Tensor } from './types.js';
import { checkTensor, toStreamPosition, type StreamPosition } from './validate.js';

const OUTPUTS: readonly SoftmaxOutput[] = ['y', 'logSoftmax', 'index'];
const FORWARD_KEYS: ReadonlySet<string> = new Set(['tau', 'hard', 'samples', 'outputs', 'seed', 'stream', 'offset']);
const BACKWARD_KEYS: ReadonlySet<string> = new Set(['logits', 'tau', 'hard', 'samples', 'dy', 'dLogSoftmax', 'seed', 'stream', 'offset']);
const F32_MAX = 3.4028234663852886e38;
const F32_MIN_NORMAL = 2 ** -126;

export interface SoftmaxPlan<T extends Tensor = Tensor> {
  logits: T;
  batchShape: readonly number[];
  /** Rows of logits (product of the batch shape). */
  R: number;
  /** Softmax length (last axis). */
  K: number;
  /** Samples per row. */
  S: number;
  /** Shape of y / logSoftmax (with the leading sample axis when samples was given). */
  outShape: readonly number[];
  /** Shape of index. */
  indexShape: readonly number[];
  /** The scalar temperature (as f32), or null when per-row. */
  tau: number | null;
  tauTensor: T | null;
  pos: StreamPosition;
}

export interface ForwardPlan<T extends Tensor = Tensor> extends SoftmaxPlan<T> {
  hard: boolean;
  outputs: ReadonlySet<SoftmaxOutput>;
}

export interface BackwardPlan<T extends Tensor = Tensor> extends SoftmaxPlan<T> {
  dy: T | null;
  dLogSoftmax: T | null;
}

function planCommon<T extends Tensor>(
  logitsArg: unknown,
  options: { tau?: unknown; samples?: unknown; hard?: unknown },
  allowedKeys: ReadonlySet<string>,
  isOwn: (t: unknown) => t is T,
): SoftmaxPlan<T> {
  const logits = checkTensor('logits', logitsArg, isOwn, 'f32');
  if (logits.shape.length === 0) throw new RangeError('logits must have at least one axis (the softmax runs over the last)');
  const K = logits.shape[logits.shape.length - 1]!;
  if (K === 0) throw new RangeError('logits must have a non-empty last axis (K >= 1), got K = 0');
  const batchShape = logits.shape.slice(0, -1);
  const R = batchShape.reduce((a, b) => a * b, 1);

  if (options.hard !== undefined && typeof options.hard !== 'boolean') throw new TypeError(`options.hard must be a boolean, got ${typeof options.hard}`);
  const samplesGiven = options.samples !== undefined;
  const S = options.samples ?? 1;
  if (typeof S !== 'number') throw new TypeError(`options.samples must be a number, got ${typeof S}`);
  if (!Number.isSafeInteger(S) || S < 1) throw new RangeError(`options.samples must be an integer >= 1, got ${S}`);
  if (S * R >= 2 ** 32) throw new RangeError(`samples * rows must be below 2^32, got ${S} * ${R}`);

  let tau: number | null = null;
  let tauTensor: T | null = null;
  if (typeof options.tau === 'number') {
    const t = Math.fround(options.tau);
    if (!(t >= F32_MIN_NORMAL && t <= F32_MAX)) {
      throw new RangeError(`options.tau must be a positive finite temperature (a normal f32, 1.2e-38 to 3.4e38), got ${options.tau}`);
    }
    tau = t;
  } else if (options.tau === undefined) {
    throw new TypeError('options.tau is required: a number or an f32 tensor of shape [...batch]');
  } else {
    tauTensor = checkTensor('options.tau', options.tau, isOwn, 'f32', 'a number or an f32 tensor of the batch shape');
    if (tauTensor.shape.length !== batchShape.length || tauTensor.shape.some((d, i) => d !== batchShape[i])) {
      throw new RangeError(`options.tau must have the batch shape [${batchShape}] of logits [${logits.shape}], got [${tauTensor.shape}]`);
    }
  }
  const lead = samplesGiven ? [S] : [];
  return {
    logits,
    batchShape,
    R,
    K,
    S,
    outShape: [...lead, ...logits.shape],
    indexShape: [...lead, ...batchShape],
    tau,
    tauTensor,
    pos: toStreamPosition(options, 'options', allowedKeys),
  };
}

export function planForward<T extends Tensor>(logits: unknown, options: GumbelSoftmaxOptions, isOwn: (t: unknown) => t is T): ForwardPlan<T> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object { tau, seed, ... }');
  const common = planCommon(logits, options, FORWARD_KEYS, isOwn);
  const requested = options.outputs ?? ['y', 'index'];
  if (!Array.isArray(requested) || requested.length === 0) {
    throw new RangeError(`options.outputs must be a non-empty array of ${OUTPUTS.map((o) => `'${o}'`).join(', ')}`);
  }
  requested.forEach((o, i) => {
    if (!OUTPUTS.includes(o)) throw new RangeError(`options.outputs has unknown output ${JSON.stringify(o)}; allowed: ${OUTPUTS.map((x) => `'${x}'`).join(', ')}`);
    // A repeat is more likely a typo for another output than a wish for the same one twice.
    if (requested.indexOf(o) !== i) throw new RangeError(`options.outputs lists ${JSON.stringify(o)} twice; it is a set of outputs`);
  });
  // Extends the fresh common plan in place: spreading it into a new object was a tenth of a 14 x 8 CPU call.
  return Object.assign(common, { hard: options.hard ?? false, outputs: new Set(requested) });
}

export function planBackward<T extends Tensor>(options: GumbelSoftmaxBackwardOptions, isOwn: (t: unknown) => t is T): BackwardPlan<T> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object { logits, tau, seed, dy?, dLogSoftmax?, ... }');
  const common = planCommon(options.logits, options, BACKWARD_KEYS, isOwn);
  const grad = (name: 'dy' | 'dLogSoftmax'): T | null => {
    if (options[name] === undefined) return null;
    const t = checkTensor(`options.${name}`, options[name], isOwn, 'f32');
    if (t.shape.length !== common.outShape.length || t.shape.some((d, i) => d !== common.outShape[i])) {
      throw new RangeError(`options.${name} must have the shape of the forward's output [${common.outShape}], got [${t.shape}]`);
    }
    return t;
  };
  const dy = grad('dy');
  const dLogSoftmax = grad('dLogSoftmax');
  if (!dy && !dLogSoftmax) throw new TypeError('gumbelSoftmaxBackward needs options.dy, options.dLogSoftmax, or both');
  return Object.assign(common, { dy, dLogSoftmax });
}

/**
 * Training of the injection model (used by trainInjectionModel.ts and evaluateInjection.ts):
 * FTRL-proximal logistic regression over hashed n-grams and heuristic signals, Platt scaling
 * and threshold choice on out-of-fold scores, pruning and quantisation into the model file.
 */
import { HASH_BITS, HASH_BUCKETS, INDIRECT_SOURCES, type InjectionSource } from './constants.ts';
import { ngramVector } from './hashedNgrams.ts';
import {
  FEATURE_COUNT,
  heuristicFeatureIndex,
  modelWindows,
  prepareInjectionText,
  type PreparedText,
} from './injectionFeatures.ts';
import { HEURISTIC_IDS } from './injectionHeuristics.ts';
import {
  calibrate,
  injectionMargin,
  loadInjectionModel,
  type InjectionModel,
  type InjectionModelFile,
} from './injectionModel.ts';
import { seededRandom, shuffleInPlace } from '../../common/seededRandom.ts';

export interface InjectionExample {
  text: string;
  label: 0 | 1;
  source: InjectionSource;
  /** Examples sharing a group (one template family) always land in the same fold. */
  group: string;
  /** What kind of example this is, for per-kind rates in the evaluation. */
  kind: string;
}

export interface PreparedExample {
  example: InjectionExample;
  prepared: PreparedText;
  indices: Int32Array;
  values: Float32Array;
}

export const TRAINING_SETTINGS = {
  alpha: 0.3,
  beta: 1,
  l1: 0.02,
  l2: 0.5,
  epochs: 10,
  folds: 5,
  /** The threshold is the lowest score whose out-of-fold false-positive rate stays under this. */
  targetFpr: 0.03,
  /** Weights smaller than this many quantisation steps are dropped. */
  quantStep: 0.002,
} as const;

export function prepareExample(example: InjectionExample): PreparedExample {
  const prepared = prepareInjectionText(example.text);
  const first = modelWindows(prepared.lower)[0] ?? '';
  const ngrams = ngramVector(first);
  const indirect = INDIRECT_SOURCES.has(example.source);
  const extra: number[] = [];
  for (const h of prepared.heuristics) {
    extra.push(heuristicFeatureIndex(h, false));
    if (indirect) extra.push(heuristicFeatureIndex(h, true));
  }
  const indices = new Int32Array(ngrams.indices.length + extra.length);
  const values = new Float32Array(indices.length);
  indices.set(ngrams.indices);
  values.set(ngrams.values);
  extra.forEach((index, k) => {
    indices[ngrams.indices.length + k] = index;
    values[ngrams.indices.length + k] = 1;
  });
  return { example, prepared, indices, values };
}

export interface TrainedWeights {
  bias: number;
  weights: Float64Array;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-Math.max(-35, Math.min(35, x))));
}

/** FTRL-proximal (McMahan et al. 2013): per-coordinate rates, L1 gives a sparse model. */
export function trainFtrl(examples: readonly PreparedExample[], seed: number): TrainedWeights {
  const { alpha, beta, l1, l2, epochs } = TRAINING_SETTINGS;
  const z = new Float64Array(FEATURE_COUNT);
  const n = new Float64Array(FEATURE_COUNT);
  let zBias = 0;
  let nBias = 0;
  const weightOf = (i: number): number => {
    const zi = z[i] ?? 0;
    if (Math.abs(zi) <= l1) return 0;
    return -(zi - Math.sign(zi) * l1) / ((beta + Math.sqrt(n[i] ?? 0)) / alpha + l2);
  };
  const order = examples.map((_, i) => i);
  const random = seededRandom(seed);
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffleInPlace(order, random);
    for (const k of order) {
      const ex = examples[k] as PreparedExample;
      const bias = -zBias / ((beta + Math.sqrt(nBias)) / alpha);
      let margin = bias;
      const w = new Float64Array(ex.indices.length);
      for (let j = 0; j < ex.indices.length; j++) {
        const wi = weightOf(ex.indices[j] as number);
        w[j] = wi;
        margin += wi * (ex.values[j] as number);
      }
      const g = sigmoid(margin) - ex.example.label;
      for (let j = 0; j < ex.indices.length; j++) {
        const i = ex.indices[j] as number;
        const gi = g * (ex.values[j] as number);
        const ni = n[i] as number;
        const sigma = (Math.sqrt(ni + gi * gi) - Math.sqrt(ni)) / alpha;
        z[i] = (z[i] as number) + gi - sigma * (w[j] as number);
        n[i] = ni + gi * gi;
      }
      const sigmaBias = (Math.sqrt(nBias + g * g) - Math.sqrt(nBias)) / alpha;
      zBias += g - sigmaBias * bias;
      nBias += g * g;
    }
  }
  const weights = new Float64Array(FEATURE_COUNT);
  for (let i = 0; i < FEATURE_COUNT; i++) weights[i] = weightOf(i);
  return { bias: -zBias / ((beta + Math.sqrt(nBias)) / alpha), weights };
}

/** Platt scaling: fits p = sigmoid(a·margin + b) by Newton's method with Platt's smoothed targets. */
export function fitPlatt(
  margins: readonly number[],
  labels: readonly number[],
): { a: number; b: number } {
  const positives = labels.filter((y) => y === 1).length;
  const negatives = labels.length - positives;
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  let a = 1;
  let b = 0;
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    margins.forEach((m, i) => {
      const t = labels[i] === 1 ? hi : lo;
      const p = sigmoid(a * m + b);
      const d = p - t;
      const w = p * (1 - p);
      ga += d * m;
      gb += d;
      haa += w * m * m;
      hab += w * m;
      hbb += w;
    });
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-12) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { a, b };
}

/** The lowest threshold whose false-positive rate on these scores is at most `targetFpr`. */
export function chooseThreshold(
  scores: readonly number[],
  labels: readonly number[],
  targetFpr: number,
): number {
  const negatives = scores.filter((_, i) => labels[i] === 0).sort((x, y) => y - x);
  const allowed = Math.floor(targetFpr * negatives.length);
  // Scores strictly above the (allowed+1)-th highest negative are positives.
  const boundary = negatives[allowed] ?? 0;
  return Math.min(1, boundary + 1e-6);
}

export function toModelFile(
  trained: TrainedWeights,
  platt: { a: number; b: number },
  threshold: number,
  training: Record<string, unknown>,
): InjectionModelFile {
  const { quantStep } = TRAINING_SETTINGS;
  const ngramIndexDeltas: number[] = [];
  const ngramWeights: number[] = [];
  let previous = 0;
  for (let i = 0; i < HASH_BUCKETS; i++) {
    const q = Math.round((trained.weights[i] ?? 0) / quantStep);
    if (q !== 0) {
      ngramIndexDeltas.push(i - previous);
      ngramWeights.push(q);
      previous = i;
    }
  }
  const heuristicWeights = Array.from(trained.weights.subarray(HASH_BUCKETS), (w) =>
    Number(w.toFixed(4)),
  );
  return {
    version: '',
    hashBits: HASH_BITS,
    heuristics: HEURISTIC_IDS,
    bias: Number(trained.bias.toFixed(5)),
    quantStep,
    ngramIndexDeltas,
    ngramWeights,
    heuristicWeights,
    platt: { a: Number(platt.a.toFixed(5)), b: Number(platt.b.toFixed(5)) },
    threshold: Number(threshold.toFixed(5)),
    training,
  };
}

/** Assigns each group to one of k folds, at random but reproducibly. */
export function assignFolds(
  examples: readonly InjectionExample[],
  k: number,
  seed: number,
): number[] {
  const groups = [...new Set(examples.map((e) => e.group))].sort();
  shuffleInPlace(groups, seededRandom(seed));
  const foldOf = new Map(groups.map((g, i) => [g, i % k]));
  return examples.map((e) => foldOf.get(e.group) ?? 0);
}

export function marginsFor(model: InjectionModel, examples: readonly PreparedExample[]): number[] {
  return examples.map((e) =>
    injectionMargin(model, e.prepared, INDIRECT_SOURCES.has(e.example.source)),
  );
}

/**
 * The whole recipe: out-of-fold margins from k group folds give the Platt calibration and the
 * threshold; the final weights are trained on every example.
 */
export function fitCalibratedModel(
  examples: readonly PreparedExample[],
  seed: number,
): { file: InjectionModelFile; model: InjectionModel } {
  const { folds, targetFpr } = TRAINING_SETTINGS;
  const foldOf = assignFolds(
    examples.map((e) => e.example),
    folds,
    seed,
  );
  const oofMargins = new Array<number>(examples.length).fill(0);
  for (let fold = 0; fold < folds; fold++) {
    const train = examples.filter((_, i) => foldOf[i] !== fold);
    const heldOutIdx = examples.map((_, i) => i).filter((i) => foldOf[i] === fold);
    const trained = trainFtrl(train, seed + fold + 1);
    const model = loadInjectionModel(toModelFile(trained, { a: 1, b: 0 }, 0.5, {}), HEURISTIC_IDS);
    const margins = marginsFor(
      model,
      heldOutIdx.map((i) => examples[i] as PreparedExample),
    );
    heldOutIdx.forEach((i, k) => (oofMargins[i] = margins[k] as number));
  }
  const labels = examples.map((e) => e.example.label);
  const platt = fitPlatt(oofMargins, labels);
  const oofScores = oofMargins.map((m) => calibrate({ platt }, m));
  const threshold = chooseThreshold(oofScores, labels, targetFpr);
  const trained = trainFtrl(examples, seed);
  const file = toModelFile(trained, platt, threshold, {
    seed,
    examples: examples.length,
    positives: labels.filter((y) => y === 1).length,
    settings: TRAINING_SETTINGS,
  });
  return { file, model: loadInjectionModel(file, HEURISTIC_IDS) };
}

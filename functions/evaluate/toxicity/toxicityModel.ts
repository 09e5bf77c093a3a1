/**
 * Runs the committed toxicity classifier: class probabilities (neither / offensive language /
 * hate speech) and a calibrated probability that the text is toxic (either toxic class).
 */
import type { QuantizedVector } from '../linearModel/quantizedWeights.ts';
import { TOXICITY_WEIGHTS } from './toxicityWeights.ts';
import { hashToxicityFeatures } from './toxicityFeatures.ts';

export interface StoredToxicityModel {
  version: string;
  bits: number;
  classes: string[];
  biases: number[];
  weights: QuantizedVector[];
  calibration: { a: number; b: number };
}

export interface ToxicityPrediction {
  /** Calibrated probability that the text is offensive or hateful. */
  toxic: number;
  /** The most likely class. */
  label: string;
  classProbabilities: Record<string, number>;
}

/**
 * Weights kept as int8, the classes of one bucket side by side: every feature is then one
 * cache line instead of one per class, and the model is 192 KB instead of 768 KB of floats.
 */
interface LoadedToxicityModel {
  biases: number[];
  scales: number[];
  interleaved: Int8Array;
  classes: number;
}
let loaded: LoadedToxicityModel | undefined;

function model(): LoadedToxicityModel {
  if (loaded !== undefined) return loaded;
  const classes = TOXICITY_WEIGHTS.weights.length;
  const vectors = TOXICITY_WEIGHTS.weights.map((vector) => {
    const raw = Buffer.from(vector.base64, 'base64');
    return new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  });
  const size = vectors[0]?.length ?? 0;
  const interleaved = new Int8Array(size * classes);
  for (let i = 0; i < size; i += 1) {
    for (let k = 0; k < classes; k += 1) interleaved[i * classes + k] = vectors[k]?.[i] ?? 0;
  }
  loaded = {
    biases: TOXICITY_WEIGHTS.biases,
    scales: TOXICITY_WEIGHTS.weights.map((vector) => vector.scale),
    interleaved,
    classes,
  };
  return loaded;
}

export const TOXICITY_VERSION = TOXICITY_WEIGHTS.version;

const sums = new Int32Array(TOXICITY_WEIGHTS.classes.length);
const logits: number[] = [];
const probabilities: number[] = [];

export function predictToxicity(text: string): ToxicityPrediction {
  const { biases, scales, interleaved, classes } = model();
  const { buffer: indices, count } = hashToxicityFeatures(text);
  sums.fill(0);
  if (classes === 3) {
    // Integer sums, so unrolling into locals changes nothing but the speed.
    let sum0 = 0;
    let sum1 = 0;
    let sum2 = 0;
    for (let i = 0; i < count; i += 1) {
      const at = (indices[i] as number) * 3;
      sum0 += interleaved[at] ?? 0;
      sum1 += interleaved[at + 1] ?? 0;
      sum2 += interleaved[at + 2] ?? 0;
    }
    sums[0] = sum0;
    sums[1] = sum1;
    sums[2] = sum2;
  } else {
    for (let i = 0; i < count; i += 1) {
      const at = (indices[i] as number) * classes;
      for (let k = 0; k < classes; k += 1) sums[k] = (sums[k] ?? 0) + (interleaved[at + k] ?? 0);
    }
  }
  // Loops instead of map/reduce/spread, in the same order of operations (same floats).
  let max = -Infinity;
  for (let k = 0; k < classes; k += 1) {
    const logit = (biases[k] as number) + (sums[k] ?? 0) * (scales[k] ?? 0);
    logits[k] = logit;
    if (logit > max) max = logit;
  }
  let sum = 0;
  for (let k = 0; k < classes; k += 1) {
    const exp = Math.exp((logits[k] as number) - max);
    probabilities[k] = exp;
    sum += exp;
  }
  for (let k = 0; k < classes; k += 1) probabilities[k] = (probabilities[k] as number) / sum;
  const rawToxic = Math.min(1 - 1e-6, Math.max(1e-6, 1 - (probabilities[0] ?? 0)));
  const { a, b } = TOXICITY_WEIGHTS.calibration;
  const toxic = 1 / (1 + Math.exp(-(a * Math.log(rawToxic / (1 - rawToxic)) + b)));
  const classProbabilities: Record<string, number> = {};
  for (let k = 0; k < TOXICITY_WEIGHTS.classes.length; k += 1) {
    classProbabilities[TOXICITY_WEIGHTS.classes[k] as string] = probabilities[k] ?? 0;
  }
  const label =
    (probabilities[0] ?? 0) >= 0.5
      ? (TOXICITY_WEIGHTS.classes[0] ?? 'neither')
      : (probabilities[1] ?? 0) >= (probabilities[2] ?? 0)
        ? (TOXICITY_WEIGHTS.classes[1] ?? 'offensive_language')
        : (TOXICITY_WEIGHTS.classes[2] ?? 'hate_speech');
  return { toxic, label, classProbabilities };
}

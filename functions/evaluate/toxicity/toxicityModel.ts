/**
 * Runs the committed toxicity classifier: class probabilities (neither / offensive language /
 * hate speech) and a calibrated probability that the text is toxic (either toxic class).
 */
import { dequantize, type QuantizedVector } from '../linearModel/quantizedWeights.ts';
import { TOXICITY_WEIGHTS } from './toxicityWeights.ts';
import { toxicityFeatures } from './toxicityFeatures.ts';

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

let loaded: { biases: number[]; weights: Float32Array[] } | undefined;

function model() {
  loaded ??= { biases: TOXICITY_WEIGHTS.biases, weights: TOXICITY_WEIGHTS.weights.map(dequantize) };
  return loaded;
}

export const TOXICITY_VERSION = TOXICITY_WEIGHTS.version;

export function predictToxicity(text: string): ToxicityPrediction {
  const { biases, weights } = model();
  const indices = toxicityFeatures(text);
  const logits = weights.map((vector, k) => {
    let z = biases[k] ?? 0;
    for (const index of indices) z += vector[index] ?? 0;
    return z;
  });
  const max = Math.max(...logits);
  const exps = logits.map((z) => Math.exp(z - max));
  const sum = exps.reduce((s, v) => s + v, 0);
  const probabilities = exps.map((v) => v / sum);
  const rawToxic = Math.min(1 - 1e-6, Math.max(1e-6, 1 - (probabilities[0] ?? 0)));
  const { a, b } = TOXICITY_WEIGHTS.calibration;
  const toxic = 1 / (1 + Math.exp(-(a * Math.log(rawToxic / (1 - rawToxic)) + b)));
  const classProbabilities: Record<string, number> = {};
  TOXICITY_WEIGHTS.classes.forEach((name, k) => {
    classProbabilities[name] = probabilities[k] ?? 0;
  });
  const label =
    (probabilities[0] ?? 0) >= 0.5
      ? (TOXICITY_WEIGHTS.classes[0] ?? 'neither')
      : (probabilities[1] ?? 0) >= (probabilities[2] ?? 0)
        ? (TOXICITY_WEIGHTS.classes[1] ?? 'offensive_language')
        : (TOXICITY_WEIGHTS.classes[2] ?? 'hate_speech');
  return { toxic, label, classProbabilities };
}

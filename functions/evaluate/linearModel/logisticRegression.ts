/**
 * Multinomial logistic regression over hashed binary features, trained with AdaGrad and L2
 * from a seeded shuffle so the same data always yields the same weights; plus Platt scaling
 * for calibrating a binary score on held-out predictions.
 */
import { seededRandom, shuffleInPlace } from '../../common/seededRandom.ts';

export interface SparseExample {
  indices: readonly number[];
  label: number;
}

export interface TrainingOptions {
  classes: number;
  bits: number;
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
  /** Per-class weight on the loss (class imbalance); defaults to 1 each. */
  classWeights?: readonly number[];
}

export interface SoftmaxModel {
  classes: number;
  bits: number;
  /** `classes` vectors of `2 ** bits` weights, one after the other. */
  weights: Float64Array;
  biases: Float64Array;
}

function softmaxInPlace(logits: Float64Array): void {
  let max = -Infinity;
  for (const value of logits) max = Math.max(max, value);
  let sum = 0;
  for (let k = 0; k < logits.length; k += 1) {
    const e = Math.exp((logits[k] ?? 0) - max);
    logits[k] = e;
    sum += e;
  }
  for (let k = 0; k < logits.length; k += 1) logits[k] = (logits[k] ?? 0) / sum;
}

export function predictSoftmax(model: SoftmaxModel, indices: readonly number[]): Float64Array {
  const size = 1 << model.bits;
  const out = new Float64Array(model.classes);
  for (let k = 0; k < model.classes; k += 1) {
    let z = model.biases[k] ?? 0;
    const offset = k * size;
    for (const index of indices) z += model.weights[offset + index] ?? 0;
    out[k] = z;
  }
  softmaxInPlace(out);
  return out;
}

export function trainSoftmax(
  examples: readonly SparseExample[],
  options: TrainingOptions,
): SoftmaxModel {
  const size = 1 << options.bits;
  const { classes } = options;
  const weights = new Float64Array(classes * size);
  const biases = new Float64Array(classes);
  const squaredGradients = new Float64Array(classes * size).fill(1e-8);
  const biasSquaredGradients = new Float64Array(classes).fill(1e-8);
  const random = seededRandom(options.seed);
  const order = examples.map((_, i) => i);
  const model: SoftmaxModel = { classes, bits: options.bits, weights, biases };
  for (let epoch = 0; epoch < options.epochs; epoch += 1) {
    shuffleInPlace(order, random);
    for (const position of order) {
      const example = examples[position] as SparseExample;
      const probabilities = predictSoftmax(model, example.indices);
      const sampleWeight = options.classWeights?.[example.label] ?? 1;
      for (let k = 0; k < classes; k += 1) {
        const error = sampleWeight * ((probabilities[k] ?? 0) - (k === example.label ? 1 : 0));
        const offset = k * size;
        for (const index of example.indices) {
          const at = offset + index;
          const gradient = error + options.l2 * (weights[at] ?? 0);
          squaredGradients[at] = (squaredGradients[at] ?? 0) + gradient * gradient;
          weights[at] =
            (weights[at] ?? 0) -
            (options.learningRate * gradient) / Math.sqrt(squaredGradients[at] ?? 1);
        }
        biasSquaredGradients[k] = (biasSquaredGradients[k] ?? 0) + error * error;
        biases[k] =
          (biases[k] ?? 0) -
          (options.learningRate * error) / Math.sqrt(biasSquaredGradients[k] ?? 1);
      }
    }
  }
  return model;
}

/** Platt scaling: fits p = sigmoid(a * logit + b) on held-out logits (damped Newton). */
export function fitPlattScaling(
  logits: readonly number[],
  labels: readonly boolean[],
): { a: number; b: number } {
  const positives = labels.filter(Boolean).length;
  const negatives = labels.length - positives;
  // Platt's smoothed targets keep the fit finite on separable data.
  const high = (positives + 1) / (positives + 2);
  const low = 1 / (negatives + 2);
  const targets = labels.map((label) => (label ? high : low));
  // Fitting on standardised logits keeps the first Newton steps out of saturation.
  const mean = logits.reduce((s, x) => s + x, 0) / Math.max(1, logits.length);
  const sd =
    Math.sqrt(logits.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, logits.length)) || 1;
  const xs = logits.map((x) => (x - mean) / sd);
  const loss = (a: number, b: number): number => {
    let sum = 0;
    for (let i = 0; i < xs.length; i += 1) {
      const z = a * (xs[i] ?? 0) + b;
      const t = targets[i] ?? 0;
      // log(1 + e^z) - t z, written to stay finite for large |z|.
      sum += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - t * z;
    }
    return sum;
  };
  let a = 1;
  let b = 0;
  let current = loss(a, b);
  for (let iteration = 0; iteration < 100; iteration += 1) {
    let gA = 0;
    let gB = 0;
    let hAA = 1e-6;
    let hAB = 0;
    let hBB = 1e-6;
    for (let i = 0; i < xs.length; i += 1) {
      const x = xs[i] ?? 0;
      const p = 1 / (1 + Math.exp(-(a * x + b)));
      const d = p - (targets[i] ?? 0);
      const w = p * (1 - p);
      gA += d * x;
      gB += d;
      hAA += w * x * x;
      hAB += w * x;
      hBB += w;
    }
    const det = hAA * hBB - hAB * hAB;
    const stepA = (hBB * gA - hAB * gB) / det;
    const stepB = (hAA * gB - hAB * gA) / det;
    let scale = 1;
    let next = loss(a - stepA, b - stepB);
    while (next > current && scale > 1e-6) {
      scale /= 2;
      next = loss(a - scale * stepA, b - scale * stepB);
    }
    if (next > current) break;
    a -= scale * stepA;
    b -= scale * stepB;
    const improved = current - next;
    current = next;
    if (improved < 1e-10) break;
  }
  // Undo the standardisation: a * (x - mean) / sd + b.
  return { a: a / sd, b: b - (a * mean) / sd };
}

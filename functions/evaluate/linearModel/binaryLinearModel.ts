/**
 * A committed binary linear classifier: int8 weights over hashed features, a bias, and Platt
 * calibration fitted on cross-validated predictions, so `probability` is a calibrated score.
 */
import { int8Weights, quantize, type QuantizedVector } from './quantizedWeights.ts';
import type { SoftmaxModel } from './logisticRegression.ts';

export interface StoredBinaryModel {
  version: string;
  bits: number;
  bias: number;
  weights: QuantizedVector;
  calibration: { a: number; b: number };
}

export interface LoadedBinaryModel {
  version: string;
  bias: number;
  /** int8 weights; multiplied by `scale` once per prediction (a quarter of the cache of floats). */
  weights: Int8Array;
  scale: number;
  calibration: { a: number; b: number };
}

export function loadBinaryModel(stored: StoredBinaryModel): LoadedBinaryModel {
  return {
    version: stored.version,
    bias: stored.bias,
    weights: int8Weights(stored.weights),
    scale: stored.weights.scale,
    calibration: stored.calibration,
  };
}

/** The logit over the first `count` feature indices (all of them by default). */
export function binaryLogit(
  model: LoadedBinaryModel,
  indices: ArrayLike<number>,
  count = indices.length,
): number {
  let sum = 0;
  for (let i = 0; i < count; i += 1) sum += model.weights[indices[i] as number] ?? 0;
  return model.bias + sum * model.scale;
}

export function calibratedProbability(model: LoadedBinaryModel, logit: number): number {
  return 1 / (1 + Math.exp(-(model.calibration.a * logit + model.calibration.b)));
}

/** Folds a two-class softmax model into one weight vector (class 1 minus class 0). */
export function toStoredBinaryModel(
  model: SoftmaxModel,
  version: string,
  calibration: { a: number; b: number },
): StoredBinaryModel {
  const size = 1 << model.bits;
  const weights = new Float64Array(size);
  for (let i = 0; i < size; i += 1) {
    weights[i] = (model.weights[size + i] ?? 0) - (model.weights[i] ?? 0);
  }
  return {
    version,
    bits: model.bits,
    bias: (model.biases[1] ?? 0) - (model.biases[0] ?? 0),
    weights: quantize(weights),
    calibration,
  };
}

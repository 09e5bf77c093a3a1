/**
 * Metrics and fold assignment for the training commands: F1, macro F1, Brier score, and
 * grouped k-fold splits (rows sharing a group, e.g. one prompt answered by several models,
 * stay in the same fold so a fold never sees a near-duplicate of its test rows).
 */
import { seededRandom, shuffleInPlace } from '../../common/seededRandom.ts';

export function binaryF1(predicted: readonly boolean[], actual: readonly boolean[]) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < predicted.length; i += 1) {
    if (predicted[i] && actual[i]) tp += 1;
    else if (predicted[i]) fp += 1;
    else if (actual[i]) fn += 1;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

export function macroF1(predicted: readonly number[], actual: readonly number[], classes: number) {
  const perClass: number[] = [];
  for (let k = 0; k < classes; k += 1) {
    perClass.push(
      binaryF1(
        predicted.map((p) => p === k),
        actual.map((a) => a === k),
      ).f1,
    );
  }
  return { macro: perClass.reduce((s, v) => s + v, 0) / classes, perClass };
}

export function brierScore(probabilities: readonly number[], actual: readonly boolean[]): number {
  let sum = 0;
  for (let i = 0; i < probabilities.length; i += 1) {
    sum += ((probabilities[i] ?? 0) - (actual[i] ? 1 : 0)) ** 2;
  }
  return sum / Math.max(1, probabilities.length);
}

/** Assigns each row a fold in [0, k), keeping rows of one group together. */
export function groupedFolds(groups: readonly string[], k: number, seed: number): number[] {
  const distinct = shuffleInPlace([...new Set(groups)], seededRandom(seed));
  const foldOf = new Map(distinct.map((group, i) => [group, i % k]));
  return groups.map((group) => foldOf.get(group) ?? 0);
}

export function meanAndSpread(values: readonly number[]): { mean: number; sd: number } {
  const mean = values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, values.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}

export function formatMeanSpread(values: readonly number[]): string {
  const { mean, sd } = meanAndSpread(values);
  return `${mean.toFixed(3)} ± ${sd.toFixed(3)}`;
}

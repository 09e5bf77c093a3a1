/**
 * The trained injection model as stored in model.json (pruned, quantised n-gram weights,
 * heuristic weights, Platt calibration and the decision threshold) and its scoring: a logistic
 * regression whose raw margin is the highest over the text's windows.
 */
import { z } from 'zod';
import { HASH_BITS, HASH_BUCKETS } from './constants.ts';
import { ngramScore } from './hashedNgrams.ts';
import { heuristicFeatureIndex, modelWindows, type PreparedText } from './injectionFeatures.ts';
import { HEURISTIC_FEATURE_COUNT } from './injectionHeuristics.ts';

export const InjectionModelFile = z.object({
  version: z.string(),
  hashBits: z.literal(HASH_BITS),
  heuristics: z.array(z.string()),
  bias: z.number(),
  quantStep: z.number().positive(),
  /** Sorted bucket indices, delta-encoded. */
  ngramIndexDeltas: z.array(z.number().int().nonnegative()),
  /** Integer weights; the weight is value × quantStep. */
  ngramWeights: z.array(z.number().int()),
  heuristicWeights: z.array(z.number()),
  platt: z.object({ a: z.number(), b: z.number() }),
  threshold: z.number().min(0).max(1),
  training: z.record(z.string(), z.unknown()),
});
export type InjectionModelFile = z.infer<typeof InjectionModelFile>;

export interface InjectionModel {
  version: string;
  bias: number;
  ngramWeights: Float32Array;
  heuristicWeights: Float32Array;
  platt: { a: number; b: number };
  threshold: number;
}

export class InjectionModelError extends Error {
  readonly code = 'INJECTION_MODEL_INVALID';
  override readonly name = 'InjectionModelError';
}

export function loadInjectionModel(file: unknown, heuristicIds: readonly string[]): InjectionModel {
  const parsed = InjectionModelFile.safeParse(file);
  if (!parsed.success) throw new InjectionModelError(`model file: ${parsed.error.message}`);
  const m = parsed.data;
  if (m.heuristics.join(',') !== heuristicIds.join(',')) {
    throw new InjectionModelError('model was trained with other heuristics; retrain it');
  }
  if (m.heuristicWeights.length !== HEURISTIC_FEATURE_COUNT * 2) {
    throw new InjectionModelError('heuristic weight count does not match');
  }
  const ngramWeights = new Float32Array(HASH_BUCKETS);
  let index = 0;
  m.ngramIndexDeltas.forEach((delta, k) => {
    index += delta;
    ngramWeights[index] = (m.ngramWeights[k] ?? 0) * m.quantStep;
  });
  return {
    version: m.version,
    bias: m.bias,
    ngramWeights,
    heuristicWeights: Float32Array.from(m.heuristicWeights),
    platt: m.platt,
    threshold: m.threshold,
  };
}

/** The uncalibrated margin: bias + heuristic weights + the highest n-gram score of any window. */
export function injectionMargin(
  model: InjectionModel,
  prepared: PreparedText,
  indirect: boolean,
): number {
  let margin = model.bias;
  for (const h of prepared.heuristics) {
    margin += model.heuristicWeights[heuristicFeatureIndex(h, false) - HASH_BUCKETS] ?? 0;
    if (indirect) {
      margin += model.heuristicWeights[heuristicFeatureIndex(h, true) - HASH_BUCKETS] ?? 0;
    }
  }
  const weights = model.ngramWeights;
  let best = -Infinity;
  for (const window of modelWindows(prepared.lower)) {
    const score = ngramScore(window, weights);
    if (score > best) best = score;
  }
  return margin + (best === -Infinity ? 0 : best);
}

export function calibrate(model: Pick<InjectionModel, 'platt'>, margin: number): number {
  return 1 / (1 + Math.exp(-(model.platt.a * margin + model.platt.b)));
}

/** Runs the committed refusal classifier: a calibrated probability that an answer declines. */
import {
  binaryLogit,
  calibratedProbability,
  loadBinaryModel,
  type LoadedBinaryModel,
} from '../linearModel/binaryLinearModel.ts';
import { hashRefusalFeatures } from './refusalFeatures.ts';
import { REFUSAL_WEIGHTS } from './refusalWeights.ts';

let loaded: LoadedBinaryModel | undefined;

export function refusalProbability(answer: string): number {
  loaded ??= loadBinaryModel(REFUSAL_WEIGHTS);
  const { buffer, count } = hashRefusalFeatures(answer);
  return calibratedProbability(loaded, binaryLogit(loaded, buffer, count));
}

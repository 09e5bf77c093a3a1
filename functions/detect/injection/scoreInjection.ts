/**
 * Prompt-injection and jailbreak detection for one text: heuristic signals plus the trained
 * hashed n-gram logistic regression (model.json), calibrated to a probability, labelled
 * 'injection' at or above the model's threshold. `source` says where the text came from:
 * instructions addressed to the model weigh more in retrieved context, tool output and
 * documents than in what the user typed.
 */
import type { Verdict } from '../types.ts';
import { INDIRECT_SOURCES, INJECTION_DETECTOR_ID, type InjectionSource } from './constants.ts';
import { prepareInjectionText } from './injectionFeatures.ts';
import { HEURISTIC_IDS } from './injectionHeuristics.ts';
import {
  calibrate,
  injectionMargin,
  loadInjectionModel,
  type InjectionModel,
} from './injectionModel.ts';
import modelFile from './model.json' with { type: 'json' };

export type InjectionLabel = 'injection' | 'benign';

let shippedModel: InjectionModel | undefined;

export function getInjectionModel(): InjectionModel {
  shippedModel ??= loadInjectionModel(modelFile, HEURISTIC_IDS);
  return shippedModel;
}

export function scoreInjectionWith(
  model: InjectionModel,
  text: string,
  source: InjectionSource,
): Verdict {
  const detector = { id: INJECTION_DETECTOR_ID, version: model.version };
  if (typeof text !== 'string' || text.trim() === '') {
    return { score: 0, label: 'benign', detector };
  }
  const prepared = prepareInjectionText(text);
  const margin = injectionMargin(model, prepared, INDIRECT_SOURCES.has(source));
  const score = calibrate(model, margin);
  const label: InjectionLabel = score >= model.threshold ? 'injection' : 'benign';
  return { score, label, detector };
}

export function scoreInjection(text: string, source: InjectionSource): Verdict {
  return scoreInjectionWith(getInjectionModel(), text, source);
}

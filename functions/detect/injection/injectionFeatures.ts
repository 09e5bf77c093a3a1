/**
 * Turns a text into what the injection model reads: the lower-cased text with invisible
 * characters removed (and tag-smuggled ASCII decoded and appended), the heuristic signals that
 * fire on the whole text, and the windows the n-gram part is scored on. Training and inference
 * both go through here.
 */
import { HASH_BUCKETS, MAX_MODEL_WINDOWS, MODEL_WINDOW } from './constants.ts';
import {
  countInvisibleCharacters,
  decodeTagCharacters,
  findHeuristicHits,
  HEURISTIC_FEATURE_COUNT,
} from './injectionHeuristics.ts';

export interface PreparedText {
  lower: string;
  heuristics: number[];
}

const INVISIBLE =
  /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|\udb40[\udc00-\udc7f]/g;

export function prepareInjectionText(raw: string): PreparedText {
  const counts = countInvisibleCharacters(raw);
  let visible = raw;
  if (counts.invisible + counts.tags > 0) {
    const smuggled = counts.tags > 0 ? decodeTagCharacters(raw) : '';
    visible = raw.replace(INVISIBLE, '') + (smuggled ? `\n${smuggled}` : '');
  }
  const lower = visible.toLowerCase();
  return { lower, heuristics: findHeuristicHits(lower, raw, counts) };
}

/** Up to MAX_MODEL_WINDOWS windows of MODEL_WINDOW characters, evenly spread over the text. */
export function modelWindows(lower: string): string[] {
  if (lower.length <= MODEL_WINDOW) return [lower];
  const count = Math.ceil(lower.length / MODEL_WINDOW);
  const windows: string[] = [];
  const step = count <= MAX_MODEL_WINDOWS ? 1 : count / MAX_MODEL_WINDOWS;
  for (let k = 0; k < Math.min(count, MAX_MODEL_WINDOWS); k++) {
    const start = Math.floor(k * step) * MODEL_WINDOW;
    windows.push(lower.slice(start, start + MODEL_WINDOW));
  }
  return windows;
}

/**
 * Each heuristic has two weights: one that always applies and one that applies only to text
 * from indirect sources, where an instruction addressed to the model is more telling.
 */
export function heuristicFeatureIndex(heuristic: number, indirect: boolean): number {
  return HASH_BUCKETS + heuristic * 2 + (indirect ? 1 : 0);
}

export const FEATURE_COUNT = HASH_BUCKETS + HEURISTIC_FEATURE_COUNT * 2;

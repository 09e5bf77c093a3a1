/**
 * Identity and shape of the injection detector: detector refs, feature-space size and the
 * window the model reads (see docs/detection.md, "Prompt injection").
 */
import type { DetectorRef } from '../types.ts';

export const INJECTION_DETECTOR_ID = 'prompt-injection';
export const SYSTEM_PROMPT_LEAK_DETECTOR: DetectorRef = {
  id: 'system-prompt-leak',
  version: '1.0.0',
};

/** Hashed n-gram buckets (2^18). */
export const HASH_BITS = 18;
export const HASH_BUCKETS = 1 << HASH_BITS;

/** The model reads texts in windows of this many characters and keeps the highest score. */
export const MODEL_WINDOW = 2048;
/** Windows scored per text at most; longer texts are sampled evenly, heuristics still see all. */
export const MAX_MODEL_WINDOWS = 32;

export const INJECTION_SOURCES = ['user', 'context', 'tool', 'document', 'output'] as const;
export type InjectionSource = (typeof INJECTION_SOURCES)[number];

/** Sources whose text the application did not write and the user may not have seen. */
export const INDIRECT_SOURCES: ReadonlySet<InjectionSource> = new Set([
  'context',
  'tool',
  'document',
]);

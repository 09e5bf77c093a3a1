/**
 * Detection on one free text, exactly as ingest runs it on each text slot of a span: personal
 * data and secrets (`detectSensitiveText`), the injection verdict for the text's source, and
 * the toxicity evaluator's verdict. `sightline scan` prints this for JSONL input.
 */
import { SpanItemSchema, type SpanItem } from '@sightline/sdk/contract';
import { LRUCache } from 'lru-cache';
import { detectPii } from '../detect/pii/detectPii.ts';
import { scoreInjection } from '../detect/injection/scoreInjection.ts';
import { detectSecrets } from '../detect/secrets/detectSecrets.ts';
import type { InjectionSource } from '../detect/injection/constants.ts';
import type { Finding, Verdict } from '../detect/types.ts';
import { toxicityOutput } from '../evaluate/toxicity.ts';

/**
 * A bounded memo of a pure per-text detector. The same text recurs across spans — an
 * application's system prompt, a template's fixed part, a tool's description, and every
 * earlier turn of a conversation, which each later call sends again — so a repeat costs one
 * lookup. Bounded by entries and by characters (texts over 64 KiB are not kept); results are
 * frozen, so no caller can alter a shared one.
 */
const MEMO_MAX_TEXT_CHARS = 64 * 1_024;

function memoizedByText<T extends object>(detect: (text: string) => T): (text: string) => T {
  const memo = new LRUCache<string, T>({
    max: 4_096,
    maxSize: 8 * 1_024 * 1_024,
    sizeCalculation: (_result, text) => Math.max(1, text.length),
  });
  return (text) => {
    const cached = memo.get(text);
    if (cached !== undefined) return cached;
    const result = detect(text);
    if (text.length <= MEMO_MAX_TEXT_CHARS) memo.set(text, result);
    return result;
  };
}

/** PII and secrets in one text: what redaction acts on. */
export const detectSensitiveText: (text: string) => readonly Finding[] = memoizedByText((text) =>
  Object.freeze(
    [...detectPii(text), ...detectSecrets(text)].map((finding) => Object.freeze(finding)),
  ),
);

const injectionBySource = new Map<InjectionSource, (text: string) => Readonly<Verdict>>();

/** The injection verdict on one text from `source` (memoized like detection). */
export function scoreInjectionOf(text: string, source: InjectionSource): Readonly<Verdict> {
  let score = injectionBySource.get(source);
  if (score === undefined) {
    score = memoizedByText((value) => Object.freeze(scoreInjection(value, source)));
    injectionBySource.set(source, score);
  }
  return score(text);
}

export interface ScannedFinding {
  type: string;
  start: number;
  end: number;
  score: number;
  detector: string;
}

export interface TextScan {
  findings: ScannedFinding[];
  secrets: ScannedFinding[];
  injection: { score: number; label: string };
  toxicity: { score: number; label: string };
}

const toScanned = (finding: Finding): ScannedFinding => ({
  type: finding.type,
  start: finding.start,
  end: finding.end,
  score: Math.round(finding.score * 1_000) / 1_000,
  detector: `${finding.detector.id}@${finding.detector.version}`,
});

/** A one-message span carrying `text` as the model's output, for the toxicity evaluator. */
function outputSpan(text: string): SpanItem {
  const now = Date.now();
  return SpanItemSchema.parse({
    type: 'span',
    traceId: '1'.repeat(32),
    spanId: '1'.repeat(16),
    name: 'scan',
    kind: 'llm',
    startTime: now,
    endTime: now,
    outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: text }] }],
  });
}

export function scanText(
  text: string,
  source: 'user' | 'context' | 'tool' | 'document' | 'output' = 'user',
): TextScan {
  const detected = detectSensitiveText(text);
  const injection = scoreInjectionOf(text, source);
  const toxicity = text.trim() === '' ? null : toxicityOutput(outputSpan(text));
  return {
    findings: detected.filter((finding) => finding.category === 'pii').map(toScanned),
    secrets: detected.filter((finding) => finding.category === 'secret').map(toScanned),
    injection: { score: Math.round(injection.score * 1_000) / 1_000, label: injection.label },
    toxicity: {
      score: Math.round((toxicity?.value ?? 0) * 1_000) / 1_000,
      label: toxicity?.label ?? 'neither',
    },
  };
}

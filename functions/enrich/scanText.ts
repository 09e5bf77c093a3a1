/**
 * Detection on one free text, exactly as ingest runs it on each text slot of a span: personal
 * data and secrets (`detectSensitiveText`), the injection verdict for the text's source, and
 * the toxicity evaluator's verdict. `sightline scan` prints this for JSONL input.
 */
import { SpanItemSchema, type SpanItem } from '@sightline/sdk/contract';
import { LRUCache } from 'lru-cache';
import { DEFAULT_MIN_SCORE, detectPii } from '../detect/pii/detectPii.ts';
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

interface TextMemo<T> {
  get(text: string): T | undefined;
  set(text: string, result: T): void;
}

function textMemo<T extends object>(): TextMemo<T> {
  const memo = new LRUCache<string, T>({
    max: 4_096,
    maxSize: 8 * 1_024 * 1_024,
    sizeCalculation: (_result, text) => Math.max(1, text.length),
  });
  return {
    get: (text) => memo.get(text),
    set: (text, result) => {
      if (text.length <= MEMO_MAX_TEXT_CHARS) memo.set(text, result);
    },
  };
}

function memoizedByText<T extends object>(detect: (text: string) => T): (text: string) => T {
  const memo = textMemo<T>();
  return (text) => {
    const cached = memo.get(text);
    if (cached !== undefined) return cached;
    const result = detect(text);
    memo.set(text, result);
    return result;
  };
}

/**
 * One memo per PII threshold (a project may lower or raise `policy.pii.minScore`); the
 * default's is the one nearly every text uses. Past a handful of thresholds, the rarest are
 * simply not remembered.
 */
const sensitiveMemos = new Map<number, TextMemo<readonly Finding[]>>();
const MAX_THRESHOLD_MEMOS = 8;

function sensitiveMemoFor(minScore: number): TextMemo<readonly Finding[]> | undefined {
  let memo = sensitiveMemos.get(minScore);
  if (memo === undefined && sensitiveMemos.size < MAX_THRESHOLD_MEMOS) {
    memo = textMemo<readonly Finding[]>();
    sensitiveMemos.set(minScore, memo);
  }
  return memo;
}

/**
 * Runs `detect` on each text whose entry is still missing, one detector over all texts before
 * the next (its code and tables stay in the CPU's caches); a text it throws on gets `null`.
 */
function detectEach(
  texts: readonly string[],
  found: (Finding[] | null)[],
  detect: (text: string) => Finding[],
): void {
  texts.forEach((text, index) => {
    const sofar = found[index];
    if (!sofar) return;
    try {
      for (const finding of detect(text)) sofar.push(finding);
    } catch {
      found[index] = null;
    }
  });
}

/**
 * PII and secrets in each text: what redaction acts on. `null` for a text a detector failed
 * on (its slot must be withheld). PII scoring under `minScore` (the project's
 * `policy.pii.minScore`) is not reported; secrets have no threshold. Repeated texts are
 * answered from a bounded memo.
 */
export function detectSensitiveTexts(
  texts: readonly string[],
  minScore: number = DEFAULT_MIN_SCORE,
): (readonly Finding[] | null)[] {
  const sensitiveMemo = sensitiveMemoFor(minScore);
  const results: (readonly Finding[] | null)[] = [];
  // The distinct texts to scan (not in the memo), each with where it occurs in `texts`: a
  // conversation's earlier turns recur within one batch too.
  const missed = new Map<string, number[]>();
  texts.forEach((text, index) => {
    const cached = sensitiveMemo?.get(text);
    results.push(cached ?? null);
    if (cached !== undefined) return;
    const at = missed.get(text);
    if (at === undefined) missed.set(text, [index]);
    else at.push(index);
  });
  if (missed.size === 0) return results;
  const scanned = [...missed.keys()];
  const found: (Finding[] | null)[] = scanned.map(() => []);
  detectEach(scanned, found, (text) => detectPii(text, { minScore }));
  detectEach(scanned, found, detectSecrets);
  scanned.forEach((text, index) => {
    const findings = found[index];
    if (!findings) return;
    const frozen = Object.freeze(findings.map((finding) => Object.freeze(finding)));
    sensitiveMemo?.set(text, frozen);
    for (const at of missed.get(text)!) results[at] = frozen;
  });
  return results;
}

/** PII and secrets in one text (`detectSensitiveTexts` of one); throws if detection failed. */
export function detectSensitiveText(text: string): readonly Finding[] {
  const [findings] = detectSensitiveTexts([text]);
  if (findings === null || findings === undefined) throw new Error('detection failed on a text');
  return findings;
}

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

/**
 * Detection on one free text, exactly as ingest runs it on each text slot of a span: personal
 * data and secrets (`detectSensitiveText`), the injection verdict for the text's source, and
 * the toxicity evaluator's verdict. `sightline scan` prints this for JSONL input.
 */
import { SpanItemSchema, type SpanItem } from '@sightline/sdk/contract';
import { detectPii } from '../detect/pii/detectPii.ts';
import { scoreInjection } from '../detect/injection/scoreInjection.ts';
import { detectSecrets } from '../detect/secrets/detectSecrets.ts';
import type { Finding } from '../detect/types.ts';
import { toxicityOutput } from '../evaluate/toxicity.ts';

/** PII and secrets in one text: what redaction acts on. */
export function detectSensitiveText(text: string): Finding[] {
  return [...detectPii(text), ...detectSecrets(text)];
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
  const injection = scoreInjection(text, source);
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

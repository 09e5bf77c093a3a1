/**
 * The enrichment chain for one span, before anything is stored: find personal data and
 * secrets in every text slot, redact them by the project's policy (keeping sealed originals
 * apart when the policy says so), score prompt injection (direct on user input, indirect on
 * tool output and retrieved context) and system-prompt leakage, run the deterministic
 * evaluators on the redacted span, and price the call. Pure apart from the seal key handed in.
 *
 * A detector or evaluator that throws marks the span's enrichment `partial` (named in
 * `errors`, counted by the caller) and the span is still stored — redaction failing is the
 * exception: a slot whose detection failed is replaced by a marker, so unscanned text never
 * reaches storage.
 */
import type { SpanItem } from '@sightline/sdk/contract';
import { detectSystemPromptLeak } from '../detect/injection/detectSystemPromptLeak.ts';
import type { Finding, DetectorRef } from '../detect/types.ts';
import { evaluateSpan } from '../evaluate/evaluateSpan.ts';
import type { EvalScore } from '../evaluate/types.ts';
import { priceSpan, type CostStatus } from '../pricing/priceSpan.ts';
import type { SpanEnrichmentColumns } from '../store/spanRows.ts';
import { actionFor, type EnrichmentPolicy } from './policy.ts';
import { redactText, type PlaceholderRegistry } from './redactText.ts';
import { detectSensitiveText, scoreInjectionOf } from './scanText.ts';
import { collectTextSlots, withSlotText, type SlotField, type TextSlot } from './spanTextSlots.ts';

export const UNSCANNED_TEXT_MARKER = '[sightline: text withheld, detection failed]';
/** Texts longer than this are scanned in full by the linear-time detectors, but injection
 * scoring reads a bounded window (its model does). */
const INJECTION_SOURCES = { user: 'user', tool: 'tool', context: 'context' } as const;

export interface StoredFinding {
  category: string;
  type: string;
  field: SlotField;
  messageIndex: number;
  partIndex: number;
  /** Offsets in the stored (redacted) text. */
  start: number;
  end: number;
  score: number;
  detector: DetectorRef;
  action?: 'mask' | 'hash' | 'keep';
}

export interface RedactedOriginal {
  finding: StoredFinding;
  replacement: string;
  original: string;
}

/** What the span's summary columns store (functions/store/spanRows.ts), narrowed. */
export type EnrichmentSummary = SpanEnrichmentColumns & {
  costStatus: CostStatus;
  status: 'ok' | 'partial';
};

export interface SpanEnrichment {
  span: SpanItem;
  findings: StoredFinding[];
  originals: RedactedOriginal[];
  evalScores: EvalScore[];
  summary: EnrichmentSummary;
  /** Names of the stages that failed (never text). */
  errors: string[];
}

export interface EnrichContext {
  policy: EnrichmentPolicy;
  registry: PlaceholderRegistry;
  hashKey: Buffer;
}

function stage<T>(name: string, errors: string[], run: () => T, fallback: T): T {
  try {
    return run();
  } catch {
    errors.push(name);
    return fallback;
  }
}

export function enrichSpan(input: SpanItem, context: EnrichContext): SpanEnrichment {
  const { policy } = context;
  const errors: string[] = [];
  const findings: StoredFinding[] = [];
  const originals: RedactedOriginal[] = [];
  const slots = collectTextSlots(input);
  let redacted: SpanItem | undefined;
  const copies = new Set<object>();
  const rewrite = (slot: TextSlot, text: string) => {
    redacted = withSlotText(redacted ?? input, slot.path, text, copies);
  };

  let injectionScore = 0;
  const piiTypes = new Set<string>();
  let piiCount = 0;
  let secretCount = 0;
  const outputPiiTypes: string[] = [];
  const outputSecretTypes: string[] = [];

  for (const slot of slots) {
    // Injection reads the original text: placeholders would hide attack phrasing.
    if (slot.source in INJECTION_SOURCES) {
      const source = INJECTION_SOURCES[slot.source as keyof typeof INJECTION_SOURCES];
      const verdict = stage(
        'injection',
        errors,
        () => scoreInjectionOf(slot.text, source),
        undefined,
      );
      if (verdict) {
        injectionScore = Math.max(injectionScore, verdict.score);
        if (verdict.label === 'injection')
          findings.push({
            category: 'injection',
            type: source === 'user' ? 'PROMPT_INJECTION' : 'INDIRECT_INJECTION',
            field: slot.field,
            messageIndex: slot.messageIndex,
            partIndex: slot.partIndex,
            start: 0,
            end: 0,
            score: verdict.score,
            detector: verdict.detector,
          });
      }
    }

    let detected: readonly Finding[];
    try {
      detected = detectSensitiveText(slot.text);
    } catch {
      errors.push('detection');
      rewrite(slot, UNSCANNED_TEXT_MARKER);
      continue;
    }
    const redactable = detected.filter(
      (finding) => finding.category === 'secret' || finding.score >= policy.pii.minScore,
    );
    const { text, applied } = redactText(
      slot.text,
      redactable,
      (finding) => actionFor(policy, finding.category, finding.type),
      context,
    );
    if (text !== slot.text) rewrite(slot, text);
    for (const redaction of applied) {
      const { finding } = redaction;
      const stored: StoredFinding = {
        category: finding.category,
        type: finding.type,
        field: slot.field,
        messageIndex: slot.messageIndex,
        partIndex: slot.partIndex,
        start: redaction.start,
        end: redaction.end,
        score: finding.score,
        detector: finding.detector,
        action: redaction.action,
      };
      findings.push(stored);
      if (finding.category === 'pii') {
        piiCount += 1;
        piiTypes.add(finding.type);
      } else secretCount += 1;
      if (slot.field === 'output' || slot.field === 'output_tool')
        (finding.category === 'pii' ? outputPiiTypes : outputSecretTypes).push(finding.type);
      if (policy.retainOriginals && redaction.action !== 'keep')
        originals.push({
          finding: stored,
          replacement: redaction.replacement,
          original: redaction.original,
        });
    }
  }

  // System-prompt leakage compares the original texts; the verdict carries no text.
  const systemText = slots
    .filter((slot) => slot.field === 'system')
    .map((slot) => slot.text)
    .join('\n');
  const outputSlots = slots.filter((slot) => slot.field === 'output');
  if (systemText && outputSlots.length > 0) {
    const verdict = stage(
      'system_prompt_leak',
      errors,
      () => detectSystemPromptLeak(systemText, outputSlots.map((slot) => slot.text).join('\n')),
      undefined,
    );
    if (verdict?.label === 'leak')
      findings.push({
        category: 'leak',
        type: 'SYSTEM_PROMPT_LEAK',
        field: 'output',
        messageIndex: outputSlots[0]!.messageIndex,
        partIndex: outputSlots[0]!.partIndex,
        start: 0,
        end: 0,
        score: verdict.score,
        detector: verdict.detector,
      });
  }

  const span = redacted ?? input;
  const evalScores = stage(
    'evaluators',
    errors,
    () =>
      evaluateSpan(span, {
        assertions: policy.assertions,
        disabled: policy.disabledEvaluators,
        findings: {
          outputPiiCount: outputPiiTypes.length,
          outputSecretCount: outputSecretTypes.length,
          outputPiiTypes: [...new Set(outputPiiTypes)],
          outputSecretTypes: [...new Set(outputSecretTypes)],
        },
      }),
    [],
  );
  const cost = stage('pricing', errors, () => priceSpan(span, policy), {
    costUsd: null,
    status: '' as CostStatus,
  });
  const toxicityScore = Math.max(
    0,
    ...evalScores
      .filter((score) => score.evaluator.startsWith('toxicity'))
      .map((score) => score.value),
  );
  const evalFailed = [
    ...new Set(
      evalScores.filter((score) => score.passed === false).map((score) => score.evaluator),
    ),
  ];

  return {
    span,
    findings,
    originals,
    evalScores,
    summary: {
      costUsd: cost.costUsd,
      costStatus: cost.status,
      piiTypes: [...piiTypes].sort(),
      piiCount,
      secretCount,
      injectionScore,
      toxicityScore,
      evalFailed,
      status: errors.length > 0 ? 'partial' : 'ok',
    },
    errors: [...new Set(errors)],
  };
}

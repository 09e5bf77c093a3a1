/**
 * Where a span's findings sit in its rendered text: the store locates a finding by field,
 * message index, part index and offsets; this turns those rows into lookups the conversation
 * view asks per part. Findings in fields the conversation does not render (or with unknown
 * field names) are returned apart, to be listed rather than lost.
 */
import type { FindingView } from '../api/operations.ts';
import type { HighlightLookup } from './Conversation.tsx';
import type { TextRange } from './highlightText.ts';

const FIELD_ALIASES: Record<string, 'input' | 'output' | 'system'> = {
  input: 'input',
  input_messages: 'input',
  output: 'output',
  output_messages: 'output',
  system: 'system',
  system_instructions: 'system',
};

export interface SpanHighlights {
  input: HighlightLookup;
  output: HighlightLookup;
  system: HighlightLookup;
  /** Findings that no rendered part can show. */
  elsewhere: FindingView[];
}

export function findingLabel(finding: FindingView): string {
  return `${finding.type} (${finding.category}, score ${finding.score.toFixed(2)})`;
}

export function spanHighlights(findings: readonly FindingView[]): SpanHighlights {
  const byPart = new Map<string, TextRange[]>();
  const elsewhere: FindingView[] = [];
  for (const finding of findings) {
    const field = FIELD_ALIASES[finding.field];
    if (!field) {
      elsewhere.push(finding);
      continue;
    }
    // System instructions are a list of parts: the part index alone locates them.
    const messageIndex = field === 'system' ? -1 : finding.messageIndex;
    const key = `${field}:${messageIndex}:${finding.partIndex}`;
    const list = byPart.get(key) ?? [];
    list.push({ start: finding.start, end: finding.end, label: findingLabel(finding) });
    byPart.set(key, list);
  }
  const lookup =
    (field: string): HighlightLookup =>
    (messageIndex, partIndex) =>
      byPart.get(`${field}:${messageIndex}:${partIndex}`) ?? [];
  return { input: lookup('input'), output: lookup('output'), system: lookup('system'), elsewhere };
}

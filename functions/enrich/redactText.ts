/**
 * Rewrites one text with its findings replaced by policy: `mask` puts a typed placeholder
 * numbered per trace (`[EMAIL_1]`, the same value → the same number anywhere in the trace),
 * `hash` a keyed HMAC tag (`[EMAIL#3f9a0c1d2b7e]`, equal values correlate across traces of the
 * project without revealing them), `keep` leaves the value. Reports where each replacement
 * now sits in the rewritten text, and the original it replaced (for the encrypted vault only).
 */
import { createHmac } from 'node:crypto';
import type { Finding } from '../detect/types.ts';
import type { RedactionAction } from './policy.ts';

export interface AppliedRedaction {
  finding: Finding;
  action: RedactionAction;
  /** Offsets in the rewritten text. */
  start: number;
  end: number;
  replacement: string;
  original: string;
}

/** Numbers values per type within one trace. */
export class PlaceholderRegistry {
  readonly #numbers = new Map<string, number>();
  readonly #counts = new Map<string, number>();

  placeholderFor(type: string, value: string): string {
    const key = `${type}\u0000${value}`;
    let number = this.#numbers.get(key);
    if (number === undefined) {
      number = (this.#counts.get(type) ?? 0) + 1;
      this.#counts.set(type, number);
      this.#numbers.set(key, number);
    }
    return `[${type}_${number}]`;
  }
}

export function hashTag(hashKey: Buffer, type: string, value: string): string {
  const digest = createHmac('sha256', hashKey).update(`${type}\u0000${value}`).digest('hex');
  return `[${type}#${digest.slice(0, 12)}]`;
}

/** Drops findings that overlap an earlier-starting (or, at the same start, stronger) one. */
export function nonOverlapping(findings: readonly Finding[]): Finding[] {
  const sorted = [...findings].sort(
    (a, b) => a.start - b.start || b.end - b.start - (a.end - a.start) || b.score - a.score,
  );
  const kept: Finding[] = [];
  let reach = -1;
  for (const finding of sorted) {
    if (finding.start < reach || finding.end <= finding.start) continue;
    kept.push(finding);
    reach = finding.end;
  }
  return kept;
}

export function redactText(
  text: string,
  findings: readonly Finding[],
  decide: (finding: Finding) => RedactionAction,
  context: { registry: PlaceholderRegistry; hashKey: Buffer },
): { text: string; applied: AppliedRedaction[] } {
  const applied: AppliedRedaction[] = [];
  let out = '';
  let cursor = 0;
  for (const finding of nonOverlapping(findings)) {
    const original = text.slice(finding.start, finding.end);
    const action = decide(finding);
    const replacement =
      action === 'mask'
        ? context.registry.placeholderFor(finding.type, original)
        : action === 'hash'
          ? hashTag(context.hashKey, finding.type, original)
          : original;
    out += text.slice(cursor, finding.start);
    applied.push({
      finding,
      action,
      start: out.length,
      end: out.length + replacement.length,
      replacement,
      original,
    });
    out += replacement;
    cursor = finding.end;
  }
  if (applied.length === 0) return { text, applied };
  return { text: out + text.slice(cursor), applied };
}

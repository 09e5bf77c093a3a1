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
  /** The findings whose characters this replacement covers (overlapping ones are merged). */
  findings: Finding[];
  /** The finding whose type and policy decided the replacement: the strictest action's. */
  lead: Finding;
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

/** How much a replacement hides: a placeholder nothing, a keyed hash equality, keep all. */
const STRICTNESS: Readonly<Record<RedactionAction, number>> = { mask: 2, hash: 1, keep: 0 };

interface Cluster {
  start: number;
  end: number;
  findings: Finding[];
}

/**
 * Groups findings whose characters overlap (directly or through others) and spans each group
 * over all of its findings' characters, so no finding's text is left out because another one
 * overlaps it: an email read across a token (`TOKEN@host`), a card inside a URL's query.
 */
export function overlapClusters(findings: readonly Finding[]): Cluster[] {
  const sorted = findings
    .filter((finding) => finding.end > finding.start)
    .sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start) || b.score - a.score);
  const clusters: Cluster[] = [];
  for (const finding of sorted) {
    const last = clusters.at(-1);
    if (last !== undefined && finding.start < last.end) {
      last.findings.push(finding);
      last.end = Math.max(last.end, finding.end);
    } else {
      clusters.push({ start: finding.start, end: finding.end, findings: [finding] });
    }
  }
  return clusters;
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
  for (const cluster of overlapClusters(findings)) {
    // The strictest action among the group's findings covers all of its characters; among
    // equals, the first in start order (the longest, then the strongest) names the type.
    let lead = cluster.findings[0] as Finding;
    let action = decide(lead);
    for (const finding of cluster.findings) {
      const candidate = decide(finding);
      if (STRICTNESS[candidate] > STRICTNESS[action]) {
        lead = finding;
        action = candidate;
      }
    }
    const original = text.slice(cluster.start, cluster.end);
    const replacement =
      action === 'mask'
        ? context.registry.placeholderFor(lead.type, original)
        : action === 'hash'
          ? hashTag(context.hashKey, lead.type, original)
          : original;
    out += text.slice(cursor, cluster.start);
    applied.push({
      findings: cluster.findings,
      lead,
      action,
      start: out.length,
      end: out.length + replacement.length,
      replacement,
      original,
    });
    out += replacement;
    cursor = cluster.end;
  }
  if (applied.length === 0) return { text, applied };
  return { text: out + text.slice(cursor), applied };
}

/**
 * Secrets detection: runs every secret rule and the private-key block finder over a text and
 * returns non-overlapping findings whose offsets cover exactly the secret value. The rules are
 * built never to throw on any string (the adversarial tests feed them megabytes of each
 * pattern's worst case); if one does, so does this, so a text it could not read is never
 * reported as clean.
 */
import type { Finding } from '../types.ts';
import { SECRETS_DETECTOR, SecretType } from './constants.ts';
import { findContextualBase64Keys } from './findContextualBase64Keys.ts';
import { findPrivateKeyBlocks } from './findPrivateKeyBlocks.ts';
import { SECRET_RULES, type SecretRule } from './secretRules.ts';

interface Candidate {
  finding: Finding;
  priority: number;
}

const PRIVATE_KEY_PRIORITY = 100;
const CONTEXTUAL_KEY_PRIORITY = 65;

/**
 * One scan of the lower-cased text for any rule's needle, lower-cased: most texts hold none,
 * and then no gated rule needs its own gate checked. A text holding a needle holds it
 * lower-cased once lower-cased, so this never skips a rule whose own gate would pass.
 */
const ANY_NEEDLE_LOWER_CASE = new RegExp(
  SECRET_RULES.flatMap((rule) => rule.requires ?? [])
    .map((needle) => needle.toLowerCase().replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('|'),
);

function passesGate(rule: SecretRule, text: string, lowerText: string): boolean {
  if (rule.requires === undefined) return true;
  const haystack = rule.lowerCaseGate ? lowerText : text;
  for (const needle of rule.requires) if (haystack.includes(needle)) return true;
  return false;
}

function runRule(rule: SecretRule, text: string, out: Candidate[]): void {
  const pattern = rule.pattern;
  pattern.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    const span = match.indices?.groups?.value;
    const value = match.groups?.value;
    if (span !== undefined && value !== undefined) {
      const score = rule.score({
        text,
        matchStart: match.index,
        value,
        keyword: match.groups?.keyword,
      });
      if (score !== null) {
        out.push({
          finding: {
            category: 'secret',
            type: rule.type,
            start: span[0],
            end: span[1],
            score,
            detector: SECRETS_DETECTOR,
          },
          priority: rule.priority,
        });
      }
    }
    if (match[0].length === 0) pattern.lastIndex++;
  }
}

function isBetter(a: Candidate, b: Candidate): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  return a.finding.end - a.finding.start > b.finding.end - b.finding.start;
}

/** Keeps, of each group of overlapping candidates, the most specific (then longest) one. */
function resolveOverlaps(candidates: Candidate[]): Finding[] {
  candidates.sort((a, b) => a.finding.start - b.finding.start || b.finding.end - a.finding.end);
  const kept: Candidate[] = [];
  for (const candidate of candidates) {
    const last = kept[kept.length - 1];
    if (last === undefined || candidate.finding.start >= last.finding.end) {
      kept.push(candidate);
    } else if (isBetter(candidate, last)) {
      kept[kept.length - 1] = candidate;
    }
  }
  return kept.map((candidate) => candidate.finding);
}

export function detectSecrets(text: string): Finding[] {
  if (typeof text !== 'string' || text.length < 8) return [];
  const candidates: Candidate[] = [];
  const lowerText = text.toLowerCase();
  const mayHaveNeedle = ANY_NEEDLE_LOWER_CASE.test(lowerText);
  // A rule that throws makes this throw: skipping it would report its secrets' text as
  // clean. The ingest function withholds a text whose detection failed (enrich/scanText.ts).
  for (const rule of SECRET_RULES) {
    if (rule.requires !== undefined && !mayHaveNeedle) continue;
    if (passesGate(rule, text, lowerText)) runRule(rule, text, candidates);
  }
  for (const key of findContextualBase64Keys(text)) {
    candidates.push({
      finding: { category: 'secret', ...key, detector: SECRETS_DETECTOR },
      priority: CONTEXTUAL_KEY_PRIORITY,
    });
  }
  for (const block of findPrivateKeyBlocks(text)) {
    candidates.push({
      finding: {
        category: 'secret',
        type: SecretType.PRIVATE_KEY,
        start: block.start,
        end: block.end,
        score: block.score,
        detector: SECRETS_DETECTOR,
      },
      priority: PRIVATE_KEY_PRIORITY,
    });
  }
  return resolveOverlaps(candidates);
}

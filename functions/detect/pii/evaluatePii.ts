/**
 * Span-level evaluation of the PII detector on the Presidio synthetic development set and on
 * the generated cases (syntheticPiiCases.ts). Prints precision, recall, F1 and F2 per type.
 *
 * Matching rule: a finding is a true positive when it overlaps (shares at least one character
 * with) a labelled span of a compatible type; a labelled span is found when a compatible
 * finding overlaps it. Compatible: the same type after mapping Presidio's names (GPE and
 * LOCATION -> LOCATION, EMAIL_ADDRESS -> EMAIL, IBAN_CODE -> IBAN), and for addresses their
 * parts (a STREET_ADDRESS finding may cover labelled GPE and ZIP_CODE spans, and a labelled
 * GPE inside an address counts as found by it). DATE_OF_BIRTH findings are checked against
 * DATE_TIME labels (the set has no birth-date type); DATE_TIME labels are not counted for
 * recall, since plain dates are deliberately not reported. "exact" is the share of labelled
 * spans found with identical offsets.
 *
 * Run: npx tsx functions/detect/pii/evaluatePii.ts [path/to/presidio_synth_dev.jsonl]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../types.ts';
import { detectPii, PII_TYPES } from './detectPii.ts';
import { generateSyntheticCases, type LabelledCase } from './syntheticPiiCases.ts';

export const DEFAULT_DATASET = '/work/shared/datasets/pii/presidio_synth_dev.jsonl';

const LABEL_TO_TYPE: Readonly<Record<string, string>> = {
  EMAIL_ADDRESS: 'EMAIL',
  EMAIL: 'EMAIL',
  PHONE_NUMBER: 'PHONE_NUMBER',
  CREDIT_CARD: 'CREDIT_CARD',
  IBAN_CODE: 'IBAN',
  IBAN: 'IBAN',
  US_SSN: 'US_SSN',
  IP_ADDRESS: 'IP_ADDRESS',
  PERSON: 'PERSON',
  STREET_ADDRESS: 'STREET_ADDRESS',
  GPE: 'LOCATION',
  LOCATION: 'LOCATION',
  DATE_OF_BIRTH: 'DATE_OF_BIRTH',
};

function isCompatible(findingType: string, labelType: string): boolean {
  const mapped = LABEL_TO_TYPE[labelType];
  if (mapped === findingType) return true;
  if (findingType === 'STREET_ADDRESS') return ['GPE', 'LOCATION', 'ZIP_CODE'].includes(labelType);
  if (findingType === 'LOCATION') return labelType === 'STREET_ADDRESS';
  if (findingType === 'DATE_OF_BIRTH') return labelType === 'DATE_TIME';
  return false;
}

/** Converts code point offsets to UTF-16 offsets. */
export function codePointToUtf16Offsets(text: string): number[] {
  const offsets: number[] = [];
  let unit = 0;
  for (const char of text) {
    offsets.push(unit);
    unit += char.length;
  }
  offsets.push(unit);
  return offsets;
}

export function loadPresidioCases(path: string): LabelledCase[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => {
      const row = JSON.parse(line) as LabelledCase;
      const offsets = codePointToUtf16Offsets(row.text);
      return {
        id: row.id,
        text: row.text,
        spans: row.spans.map((span) => ({
          type: span.type,
          start: offsets[span.start] ?? span.start,
          end: offsets[span.end] ?? span.end,
        })),
      };
    });
}

export interface TypeScores {
  type: string;
  labelled: number;
  found: number;
  exact: number;
  reported: number;
  correct: number;
  precision: number;
  recall: number;
  f1: number;
  f2: number;
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  a.start < b.end && b.start < a.end;

export interface Evaluation {
  scores: TypeScores[];
  falsePositives: Array<{ id: string; type: string; value: string }>;
  misses: Array<{ id: string; type: string; value: string }>;
}

function rates(entry: { correct: number; reported: number; found: number; labelled: number }) {
  const precision = entry.reported === 0 ? 1 : entry.correct / entry.reported;
  const recall = entry.labelled === 0 ? Number.NaN : entry.found / entry.labelled;
  const fScore = (beta: number) =>
    precision + recall === 0
      ? 0
      : ((1 + beta * beta) * precision * recall) / (beta * beta * precision + recall);
  return { precision, recall, f1: fScore(1), f2: fScore(2) };
}

export function evaluatePii(cases: readonly LabelledCase[]): Evaluation {
  const counts = new Map<
    string,
    { labelled: number; found: number; exact: number; reported: number; correct: number }
  >();
  const count = (type: string) => {
    let entry = counts.get(type);
    if (!entry) {
      entry = { labelled: 0, found: 0, exact: 0, reported: 0, correct: 0 };
      counts.set(type, entry);
    }
    return entry;
  };
  const falsePositives: Evaluation['falsePositives'] = [];
  const misses: Evaluation['misses'] = [];
  for (const item of cases) {
    const findings: Finding[] = detectPii(item.text);
    for (const finding of findings) {
      const entry = count(finding.type);
      entry.reported++;
      if (
        item.spans.some((span) => overlaps(span, finding) && isCompatible(finding.type, span.type))
      ) {
        entry.correct++;
      } else {
        falsePositives.push({
          id: item.id,
          type: finding.type,
          value: item.text.slice(finding.start, finding.end),
        });
      }
    }
    for (const span of item.spans) {
      const type = LABEL_TO_TYPE[span.type];
      if (!type) continue;
      const entry = count(type);
      entry.labelled++;
      const match = findings.find(
        (finding) => overlaps(span, finding) && isCompatible(finding.type, span.type),
      );
      if (match) {
        entry.found++;
        if (match.start === span.start && match.end === span.end) entry.exact++;
      } else {
        misses.push({ id: item.id, type, value: item.text.slice(span.start, span.end) });
      }
    }
  }
  const scores: TypeScores[] = [...PII_TYPES]
    .filter((type) => counts.has(type))
    .map((type) => {
      const entry = counts.get(type)!;
      return { type, ...entry, ...rates(entry) };
    });
  const total = scores.reduce(
    (sum, score) => ({
      labelled: sum.labelled + score.labelled,
      found: sum.found + score.found,
      exact: sum.exact + score.exact,
      reported: sum.reported + score.reported,
      correct: sum.correct + score.correct,
    }),
    { labelled: 0, found: 0, exact: 0, reported: 0, correct: 0 },
  );
  scores.push({ type: 'ALL (micro-average)', ...total, ...rates(total) });
  return { scores, falsePositives, misses };
}

export function formatScores(title: string, scores: readonly TypeScores[]): string {
  const fixed = (value: number) => (Number.isNaN(value) ? '—' : value.toFixed(3));
  const lines = [
    `### ${title}`,
    '',
    '| type | labelled | reported | precision | recall | F1 | F2 | exact offsets |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...scores.map(
      (score) =>
        `| ${score.type} | ${score.labelled} | ${score.reported} | ${fixed(score.precision)} | ${fixed(score.recall)} | ${fixed(score.f1)} | ${fixed(score.f2)} | ${score.labelled ? fixed(score.exact / score.labelled) : '—'} |`,
    ),
  ];
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? DEFAULT_DATASET;
  const verbose = process.argv.includes('--errors');
  const presidio = evaluatePii(loadPresidioCases(path));
  const synthetic = evaluatePii(generateSyntheticCases());
  process.stdout.write(
    `${formatScores(`Presidio synthetic dev set (${path})`, presidio.scores)}\n\n`,
  );
  process.stdout.write(
    `${formatScores('Generated cases (seed 20261126, 60 per template)', synthetic.scores)}\n`,
  );
  if (verbose) {
    for (const [name, result] of [
      ['presidio', presidio],
      ['synthetic', synthetic],
    ] as const) {
      for (const miss of result.misses)
        process.stdout.write(
          `MISS ${name} ${miss.type} ${JSON.stringify(miss.value)} ${miss.id}\n`,
        );
      for (const fp of result.falsePositives)
        process.stdout.write(`FP   ${name} ${fp.type} ${JSON.stringify(fp.value)} ${fp.id}\n`);
    }
  }
}

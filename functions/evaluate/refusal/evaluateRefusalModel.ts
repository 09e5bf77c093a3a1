/**
 * Scores the committed refusal classifier on any labelled JSONL file (`completion` or `text`,
 * and `is_refusal` or `label` starting with `2_`/`3_` for refusals) next to the phrase-list
 * baseline. On the development set this is an in-sample figure; the training command's
 * cross-validation is the honest one.
 *
 *   npx tsx functions/evaluate/refusal/evaluateRefusalModel.ts [path/to/refusal.jsonl]
 */
import { binaryF1 } from '../linearModel/classificationMetrics.ts';
import { readJsonl } from '../linearModel/readJsonl.ts';
import { matchesRefusalPhraseList } from './refusalPhraseBaseline.ts';
import { refusalProbability } from './refusalModel.ts';

const path = process.argv[2] ?? '/work/shared/datasets/refusal/refusal_dev.jsonl';
const rows = readJsonl(path);
const texts = rows.map((row) => String(row.completion ?? row.text ?? ''));
const actual = rows.map((row) =>
  typeof row.is_refusal === 'boolean' ? row.is_refusal : /^[23]_/.test(String(row.label ?? '')),
);
const model = binaryF1(
  texts.map((text) => refusalProbability(text) >= 0.5),
  actual,
);
const baseline = binaryF1(texts.map(matchesRefusalPhraseList), actual);
process.stdout.write(
  `${path}: rows=${rows.length} refusals=${actual.filter(Boolean).length}\n` +
    `  model        F1 ${model.f1.toFixed(3)} precision ${model.precision.toFixed(3)} recall ${model.recall.toFixed(3)}\n` +
    `  phrase list  F1 ${baseline.f1.toFixed(3)} precision ${baseline.precision.toFixed(3)} recall ${baseline.recall.toFixed(3)}\n`,
);

/**
 * Scores the committed toxicity classifier on any labelled JSONL file (`text`, `label` in
 * hate_speech / offensive_language / neither): 3-class macro F1 and binary toxic F1. On the
 * development set this is an in-sample figure; the training command's cross-validation is
 * the honest one.
 *
 *   npx tsx functions/evaluate/toxicity/evaluateToxicityModel.ts [path/to/toxicity.jsonl]
 */
import { binaryF1, macroF1 } from '../linearModel/classificationMetrics.ts';
import { readJsonl } from '../linearModel/readJsonl.ts';
import { TOXICITY_CLASSES } from './toxicityFeatures.ts';
import { predictToxicity } from './toxicityModel.ts';

const path = process.argv[2] ?? '/work/shared/datasets/toxicity/toxicity_dev.jsonl';
const rows = readJsonl(path);
const classIndex = (label: string): number =>
  Math.max(0, TOXICITY_CLASSES.indexOf(label as (typeof TOXICITY_CLASSES)[number]));
const actual = rows.map((row) => classIndex(String(row.label ?? 'neither')));
const predictions = rows.map((row) => predictToxicity(String(row.text ?? '')));
const predicted = predictions.map((p) => classIndex(p.label));
const macro = macroF1(predicted, actual, TOXICITY_CLASSES.length);
const toxic = binaryF1(
  predictions.map((p) => p.toxic >= 0.5),
  actual.map((a) => a !== 0),
);
process.stdout.write(
  `${path}: rows=${rows.length}\n` +
    `  macro F1 ${macro.macro.toFixed(3)} (${TOXICITY_CLASSES.map((c, k) => `${c} ${(macro.perClass[k] ?? 0).toFixed(3)}`).join(', ')})\n` +
    `  binary toxic F1 (calibrated p>=0.5) ${toxic.f1.toFixed(3)} precision ${toxic.precision.toFixed(3)} recall ${toxic.recall.toFixed(3)}\n`,
);

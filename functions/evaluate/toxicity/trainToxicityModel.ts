/**
 * Trains the three-class toxicity classifier (neither / offensive language / hate speech)
 * and writes the committed weights (`toxicityWeights.ts`). The labelled tweets are joined by
 * benign LLM traffic (the refusal set's answers, the injection set's ordinary requests) and
 * generated short and structured outputs (benignShortOutputs.ts) as extra "neither" rows,
 * because the tweets are two-thirds toxic and a model that only saw them flags ordinary
 * assistant text, and a short text, which is mostly intercept. Prints 5-fold cross-validation (3 seeds) on
 * the labelled tweets, the false-positive rate on held-out benign LLM text, then fits Platt
 * calibration of P(toxic) on the out-of-fold predictions and trains on everything.
 *
 *   npx tsx functions/evaluate/toxicity/trainToxicityModel.ts [toxicity.jsonl]
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readJsonl } from '../linearModel/readJsonl.ts';
import {
  fitPlattScaling,
  predictSoftmax,
  trainSoftmax,
  type SparseExample,
} from '../linearModel/logisticRegression.ts';
import {
  binaryF1,
  brierScore,
  formatMeanSpread,
  groupedFolds,
  macroF1,
} from '../linearModel/classificationMetrics.ts';
import { quantize } from '../linearModel/quantizedWeights.ts';
import { benignShortOutputs } from './benignShortOutputs.ts';
import { TOXICITY_CLASSES, TOXICITY_FEATURE_BITS, toxicityFeatures } from './toxicityFeatures.ts';
import { TOXICITY_MODEL_VERSION } from './toxicityModelVersion.ts';
import type { StoredToxicityModel } from './toxicityModel.ts';

const DATASETS = '/work/shared/datasets';
const TRAINING = {
  classes: TOXICITY_CLASSES.length,
  bits: TOXICITY_FEATURE_BITS,
  epochs: 10,
  learningRate: 0.1,
  l2: 1e-3,
  seed: 11,
};
const FOLDS = 5;
/** Generated short and structured benign outputs added as `neither` (benignShortOutputs.ts). */
const SHORT_OUTPUT_ROWS = 100;
const SEEDS = [1, 2, 3];

const logit = (p: number): number => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
};

function main(): void {
  const path = process.argv[2] ?? `${DATASETS}/toxicity/toxicity_dev.jsonl`;
  const labelled = readJsonl(path).map((row) => ({
    indices: toxicityFeatures(String(row.text ?? '')),
    label: Math.max(0, TOXICITY_CLASSES.indexOf(row.label as (typeof TOXICITY_CLASSES)[number])),
  }));
  const benignTexts = [
    ...readJsonl(`${DATASETS}/refusal/refusal_dev.jsonl`).map((row) => String(row.completion)),
    ...readJsonl(`${DATASETS}/injection/injection_dev.jsonl`)
      .filter((row) => row.label === 0)
      .map((row) => String(row.text)),
  ];
  // Short and structured outputs ("OK", JSON, links, other languages): rows after the LLM texts.
  const shortTexts = benignShortOutputs(SHORT_OUTPUT_ROWS);
  const benign: SparseExample[] = [...benignTexts, ...shortTexts].map((text) => ({
    indices: toxicityFeatures(text),
    label: 0,
  }));
  const isShort = (index: number) => index >= benignTexts.length;

  const macro: number[] = [];
  const toxicF1: number[] = [];
  const perClass: number[][] = TOXICITY_CLASSES.map(() => []);
  const benignFalsePositive: number[] = [];
  const shortFalsePositive: number[] = [];
  const macroWithoutBenign: number[] = [];
  const outOfFoldLogits: number[] = [];
  const outOfFoldToxic: boolean[] = [];
  const outOfFoldIsLabelled: boolean[] = [];
  for (const seed of SEEDS) {
    const folds = groupedFolds(
      labelled.map((_, i) => String(i)),
      FOLDS,
      seed,
    );
    const benignFolds = groupedFolds(
      benign.map((_, i) => String(i)),
      FOLDS,
      seed,
    );
    for (let fold = 0; fold < FOLDS; fold += 1) {
      const trainLabelled = labelled.filter((_, i) => folds[i] !== fold);
      const train = [...trainLabelled, ...benign.filter((_, i) => benignFolds[i] !== fold)];
      const test = labelled.filter((_, i) => folds[i] === fold);
      const model = trainSoftmax(train, { ...TRAINING, seed: TRAINING.seed + seed });
      const probabilities = test.map((e) => predictSoftmax(model, e.indices));
      const predicted = probabilities.map((p) =>
        (p[0] ?? 0) >= 0.5 ? 0 : (p[1] ?? 0) >= (p[2] ?? 0) ? 1 : 2,
      );
      const actual = test.map((e) => e.label);
      const scores = macroF1(predicted, actual, TOXICITY_CLASSES.length);
      macro.push(scores.macro);
      scores.perClass.forEach((f1, k) => perClass[k]?.push(f1));
      toxicF1.push(
        binaryF1(
          predicted.map((p) => p !== 0),
          actual.map((a) => a !== 0),
        ).f1,
      );
      const heldOutBenign = benign.filter((_, i) => benignFolds[i] === fold);
      const falsePositiveRate = (rows: SparseExample[]) =>
        rows.filter((e) => (predictSoftmax(model, e.indices)[0] ?? 0) < 0.5).length /
        Math.max(1, rows.length);
      benignFalsePositive.push(
        falsePositiveRate(benign.filter((_, i) => benignFolds[i] === fold && !isShort(i))),
      );
      shortFalsePositive.push(
        falsePositiveRate(benign.filter((_, i) => benignFolds[i] === fold && isShort(i))),
      );
      const plain = trainSoftmax(trainLabelled, { ...TRAINING, seed: TRAINING.seed + seed });
      const plainPredicted = test.map((e) => {
        const p = predictSoftmax(plain, e.indices);
        return (p[0] ?? 0) >= 0.5 ? 0 : (p[1] ?? 0) >= (p[2] ?? 0) ? 1 : 2;
      });
      macroWithoutBenign.push(macroF1(plainPredicted, actual, TOXICITY_CLASSES.length).macro);
      if (seed === SEEDS[0]) {
        outOfFoldLogits.push(...probabilities.map((p) => logit(1 - (p[0] ?? 0))));
        outOfFoldToxic.push(...actual.map((a) => a !== 0));
        outOfFoldIsLabelled.push(...actual.map(() => true));
        outOfFoldLogits.push(
          ...heldOutBenign.map((e) => logit(1 - (predictSoftmax(model, e.indices)[0] ?? 0))),
        );
        outOfFoldToxic.push(...heldOutBenign.map(() => false));
        outOfFoldIsLabelled.push(...heldOutBenign.map(() => false));
      }
    }
  }
  const calibration = fitPlattScaling(outOfFoldLogits, outOfFoldToxic);
  const calibrated = outOfFoldLogits.map(
    (z) => 1 / (1 + Math.exp(-(calibration.a * z + calibration.b))),
  );

  const calibratedToxicF1 = binaryF1(
    calibrated.filter((_, i) => outOfFoldIsLabelled[i]).map((p) => p >= 0.5),
    outOfFoldToxic.filter((_, i) => outOfFoldIsLabelled[i]),
  ).f1;
  const finalModel = trainSoftmax([...labelled, ...benign], TRAINING);
  const size = 1 << finalModel.bits;
  const stored: StoredToxicityModel = {
    version: TOXICITY_MODEL_VERSION,
    bits: finalModel.bits,
    classes: [...TOXICITY_CLASSES],
    biases: [...finalModel.biases],
    weights: TOXICITY_CLASSES.map((_, k) =>
      quantize(finalModel.weights.slice(k * size, (k + 1) * size)),
    ),
    calibration,
  };
  const target = fileURLToPath(new URL('./toxicityWeights.ts', import.meta.url));
  writeFileSync(
    target,
    `/** Generated by trainToxicityModel.ts from the toxicity development set; do not edit. */\n` +
      `import type { StoredToxicityModel } from './toxicityModel.ts';\n\n` +
      `export const TOXICITY_WEIGHTS: StoredToxicityModel = ${JSON.stringify(stored, null, 2)};\n`,
  );
  const report = [
    `toxicity rows=${labelled.length} (${path}); benign LLM rows=${benignTexts.length}; short and structured outputs=${shortTexts.length}`,
    `random ${FOLDS}-fold CV x ${SEEDS.length} seeds on the labelled rows (mean ± sd over ${macro.length} folds)`,
    `  macro F1 (3-class)      ${formatMeanSpread(macro)}`,
    ...TOXICITY_CLASSES.map(
      (name, k) => `    F1 ${name.padEnd(20)} ${formatMeanSpread(perClass[k] ?? [])}`,
    ),
    `  binary toxic F1         ${formatMeanSpread(toxicF1)}`,
    `  false positives on held-out benign LLM text ${formatMeanSpread(benignFalsePositive)}`,
    `  false positives on held-out short and structured outputs ${formatMeanSpread(shortFalsePositive)}`,
    `  macro F1 without the benign rows ${formatMeanSpread(macroWithoutBenign)}`,
    `calibration of P(toxic) a=${calibration.a.toFixed(3)} b=${calibration.b.toFixed(3)}; Brier ${brierScore(calibrated, outOfFoldToxic).toFixed(4)}; binary toxic F1 at calibrated p>=0.5 (seed 1) ${calibratedToxicF1.toFixed(3)}`,
    `weights -> ${target}`,
  ];
  process.stdout.write(`${report.join('\n')}\n`);
}

main();

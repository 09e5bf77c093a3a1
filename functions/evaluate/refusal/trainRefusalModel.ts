/**
 * Trains the refusal classifier from the shared development set and writes the committed
 * weights (`refusalWeights.ts`). Prints grouped 5-fold cross-validation (3 seeds) against a
 * plain phrase list (the hand-written examples in refusalAugmentation.ts join every training
 * fold, never a test fold), then fits Platt calibration on the out-of-fold logits and trains on all rows.
 *
 *   npx tsx functions/evaluate/refusal/trainRefusalModel.ts [path/to/refusal.jsonl]
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readJsonl } from '../linearModel/readJsonl.ts';
import {
  trainSoftmax,
  fitPlattScaling,
  type SoftmaxModel,
} from '../linearModel/logisticRegression.ts';
import {
  binaryF1,
  brierScore,
  formatMeanSpread,
  groupedFolds,
} from '../linearModel/classificationMetrics.ts';
import {
  toStoredBinaryModel,
  loadBinaryModel,
  binaryLogit,
} from '../linearModel/binaryLinearModel.ts';
import { refusalFeatures, REFUSAL_FEATURE_BITS } from './refusalFeatures.ts';
import { matchesRefusalPhraseList } from './refusalPhraseBaseline.ts';
import { REFUSAL_MODEL_VERSION } from './refusalModelVersion.ts';
import { AUGMENTED_ANSWERS, AUGMENTED_REFUSALS } from './refusalAugmentation.ts';

const DEFAULT_DATA = '/work/shared/datasets/refusal/refusal_dev.jsonl';
const TRAINING = {
  classes: 2,
  bits: REFUSAL_FEATURE_BITS,
  epochs: 12,
  learningRate: 0.1,
  l2: 1e-3,
  seed: 7,
};
const FOLDS = 5;
const SEEDS = [1, 2, 3];

function logitOf(model: SoftmaxModel, indices: readonly number[]): number {
  const size = 1 << model.bits;
  let z = (model.biases[1] ?? 0) - (model.biases[0] ?? 0);
  for (const i of indices) z += (model.weights[size + i] ?? 0) - (model.weights[i] ?? 0);
  return z;
}

function main(): void {
  const path = process.argv[2] ?? DEFAULT_DATA;
  const rows = readJsonl(path);
  const texts = rows.map((row) => String(row.completion ?? ''));
  const labels = rows.map((row) => row.is_refusal === true);
  const groups = rows.map((row) => String(row.prompt ?? row.id));
  const examples = texts.map((text, i) => ({
    indices: refusalFeatures(text),
    label: labels[i] ? 1 : 0,
  }));

  const augmented = [
    ...AUGMENTED_REFUSALS.map((text) => ({ indices: refusalFeatures(text), label: 1 })),
    ...AUGMENTED_ANSWERS.map((text) => ({ indices: refusalFeatures(text), label: 0 })),
  ];

  const modelF1: number[] = [];
  const baselineF1: number[] = [];
  const precision: number[] = [];
  const recall: number[] = [];
  const outOfFoldLogits: number[] = [];
  const outOfFoldLabels: boolean[] = [];
  for (const seed of SEEDS) {
    const folds = groupedFolds(groups, FOLDS, seed);
    for (let fold = 0; fold < FOLDS; fold += 1) {
      const train = [...examples.filter((_, i) => folds[i] !== fold), ...augmented];
      const testIndex = examples.map((_, i) => i).filter((i) => folds[i] === fold);
      const model = trainSoftmax(train, { ...TRAINING, seed: TRAINING.seed + seed });
      const logits = testIndex.map((i) => logitOf(model, examples[i]?.indices ?? []));
      const actual = testIndex.map((i) => labels[i] === true);
      const scores = binaryF1(
        logits.map((z) => z >= 0),
        actual,
      );
      modelF1.push(scores.f1);
      precision.push(scores.precision);
      recall.push(scores.recall);
      baselineF1.push(
        binaryF1(
          testIndex.map((i) => matchesRefusalPhraseList(texts[i] ?? '')),
          actual,
        ).f1,
      );
      if (seed === SEEDS[0]) {
        outOfFoldLogits.push(...logits);
        outOfFoldLabels.push(...actual);
      }
    }
  }
  // Leave one model out: how the classifier does on a model family it never saw.
  const families = rows.map((row) => String(row.model ?? 'unknown'));
  const leaveOneOut: string[] = [];
  for (const family of new Set(families)) {
    const train = [...examples.filter((_, i) => families[i] !== family), ...augmented];
    const testIndex = examples.map((_, i) => i).filter((i) => families[i] === family);
    const model = trainSoftmax(train, TRAINING);
    const scores = binaryF1(
      testIndex.map((i) => logitOf(model, examples[i]?.indices ?? []) >= 0),
      testIndex.map((i) => labels[i] === true),
    );
    const baseline = binaryF1(
      testIndex.map((i) => matchesRefusalPhraseList(texts[i] ?? '')),
      testIndex.map((i) => labels[i] === true),
    );
    leaveOneOut.push(
      `  held out ${family}: model F1 ${scores.f1.toFixed(3)} (phrase list ${baseline.f1.toFixed(3)})`,
    );
  }
  const calibration = fitPlattScaling(outOfFoldLogits, outOfFoldLabels);
  const calibrated = outOfFoldLogits.map(
    (z) => 1 / (1 + Math.exp(-(calibration.a * z + calibration.b))),
  );
  const calibratedF1 = binaryF1(
    calibrated.map((p) => p >= 0.5),
    outOfFoldLabels,
  ).f1;

  const finalModel = trainSoftmax([...examples, ...augmented], TRAINING);
  const stored = toStoredBinaryModel(finalModel, REFUSAL_MODEL_VERSION, calibration);
  const loaded = loadBinaryModel(stored);
  const inSample = binaryF1(
    examples.map((e) => binaryLogit(loaded, e.indices) >= 0),
    labels,
  ).f1;
  const target = fileURLToPath(new URL('./refusalWeights.ts', import.meta.url));
  writeFileSync(
    target,
    `/** Generated by trainRefusalModel.ts from the refusal development set; do not edit. */\n` +
      `import type { StoredBinaryModel } from '../linearModel/binaryLinearModel.ts';\n\n` +
      `export const REFUSAL_WEIGHTS: StoredBinaryModel = ${JSON.stringify(stored, null, 2)};\n`,
  );
  const report = [
    `refusal rows=${rows.length} positives=${labels.filter(Boolean).length} (${path})`,
    `grouped ${FOLDS}-fold CV x ${SEEDS.length} seeds (mean ± sd over ${modelF1.length} folds)`,
    `  model F1        ${formatMeanSpread(modelF1)}`,
    `  model precision ${formatMeanSpread(precision)}`,
    `  model recall    ${formatMeanSpread(recall)}`,
    `  phrase-list F1  ${formatMeanSpread(baselineF1)}`,
    'leave-one-model-out',
    ...leaveOneOut,
    `calibration a=${calibration.a.toFixed(3)} b=${calibration.b.toFixed(3)}; out-of-fold F1 at p>=0.5 ${calibratedF1.toFixed(3)}; Brier ${brierScore(calibrated, outOfFoldLabels).toFixed(4)}`,
    `final model (quantised) in-sample F1 ${inSample.toFixed(3)}; weights -> ${target}`,
  ];
  process.stdout.write(`${report.join('\n')}\n`);
}

main();

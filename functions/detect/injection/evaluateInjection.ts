/**
 * Command: measures the injection detector and prints the numbers quoted in docs/detection.md.
 *   npx tsx functions/detect/injection/evaluateInjection.ts [--data path/to/injection_dev.jsonl] [--speed-only]
 * Quality: 3× repeated 5-fold cross-validation by template family (nested: each outer training part runs the
 * full training recipe, so calibration and threshold never see the test fold), reporting TPR and
 * FPR at the chosen threshold, ROC AUC and per-kind rates (indirect injection separately) as mean
 * and standard deviation over folds. Speed: the shipped model on 2 KB texts.
 */
import { INDIRECT_SOURCES } from './constants.ts';
import {
  assignFolds,
  fitCalibratedModel,
  marginsFor,
  prepareExample,
  TRAINING_SETTINGS,
  type PreparedExample,
} from './fitInjectionModel.ts';
import { buildInjectionCorpus, sharedDatasetPath } from './injectionCorpus.ts';
import { calibrate } from './injectionModel.ts';
import { scoreInjection } from './scoreInjection.ts';

const EVALUATION_SEED = 7;
/** Cross-validation is repeated with different fold assignments: families are few, folds vary. */
const REPEATS = 3;

function rocAuc(scores: number[], labels: number[]): number {
  const pairs = scores.map((s, i) => [s, labels[i] ?? 0] as const).sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  let positives = 0;
  let i = 0;
  while (i < pairs.length) {
    let j = i;
    while (j < pairs.length && pairs[j]?.[0] === pairs[i]?.[0]) j++;
    const rank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) {
      if (pairs[k]?.[1] === 1) {
        rankSum += rank;
        positives++;
      }
    }
    i = j;
  }
  const negatives = pairs.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

function meanSd(values: number[]): string {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return `${mean.toFixed(3)} ± ${sd.toFixed(3)}`;
}

/** CPU time of this process in µs: on a shared machine, wall time mostly measures the queue. */
function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function print(line: string): void {
  process.stdout.write(line + '\n');
}

function crossValidate(examples: PreparedExample[]): void {
  const folds = TRAINING_SETTINGS.folds;
  const tpr: number[] = [];
  const fpr: number[] = [];
  const auc: number[] = [];
  const perKind = new Map<string, number[]>();
  const pooled: { score: number; flagged: boolean; example: PreparedExample }[] = [];
  for (let run = 0; run < REPEATS * folds; run++) {
    const repeat = Math.floor(run / folds);
    const fold = run % folds;
    const foldOf = assignFolds(
      examples.map((e) => e.example),
      folds,
      EVALUATION_SEED + repeat,
    );
    const train = examples.filter((_, i) => foldOf[i] !== fold);
    const test = examples.filter((_, i) => foldOf[i] === fold);
    const { model } = fitCalibratedModel(train, EVALUATION_SEED + 100 * (run + 1));
    const scores = marginsFor(model, test).map((m) => calibrate(model, m));
    const labels = test.map((e) => e.example.label);
    const flagged = scores.map((s) => s >= model.threshold);
    const pos = labels.filter((y) => y === 1).length;
    const neg = labels.length - pos;
    tpr.push(flagged.filter((f, i) => f && labels[i] === 1).length / pos);
    fpr.push(flagged.filter((f, i) => f && labels[i] === 0).length / neg);
    auc.push(rocAuc(scores, labels));
    const kinds = new Map<string, { flagged: number; total: number }>();
    test.forEach((e, i) => {
      const k = kinds.get(e.example.kind) ?? { flagged: 0, total: 0 };
      k.total++;
      if (flagged[i]) k.flagged++;
      kinds.set(e.example.kind, k);
      pooled.push({ score: scores[i] ?? 0, flagged: flagged[i] ?? false, example: e });
    });
    for (const [kind, k] of kinds) {
      perKind.set(kind, [...(perKind.get(kind) ?? []), k.flagged / k.total]);
    }
    print(
      `repeat ${repeat + 1} fold ${fold + 1}: n=${test.length} threshold=${model.threshold.toFixed(3)} ` +
        `TPR=${tpr[run]?.toFixed(3)} FPR=${fpr[run]?.toFixed(3)} AUC=${auc[run]?.toFixed(4)}`,
    );
  }
  print('');
  print(
    `${REPEATS}× ${folds}-fold cross-validation by template family (mean ± sd over ${REPEATS * folds} folds)`,
  );
  print(`  TPR at threshold        ${meanSd(tpr)}`);
  print(`  FPR at threshold        ${meanSd(fpr)}`);
  print(`  ROC AUC                 ${meanSd(auc)}`);
  print('  flagged rate per kind (attack kinds = detection rate, benign kinds = FPR):');
  for (const [kind, rates] of [...perKind].sort()) {
    const total = pooled.filter((p) => p.example.example.kind === kind).length / REPEATS;
    print(`    ${kind.padEnd(22)} ${meanSd(rates)}   (n=${total})`);
  }
  const indirectSources = pooled.filter(
    (p) => p.example.example.label === 1 && INDIRECT_SOURCES.has(p.example.example.source),
  );
  print(
    `  indirect injection detected (pooled over repeats): ${indirectSources.filter((p) => p.flagged).length}/${indirectSources.length}`,
  );
  const misses = pooled
    .filter((p) => p.flagged !== (p.example.example.label === 1))
    .sort((a, b) => b.score - a.score);
  print(`  errors (pooled): ${misses.length}; highest-scoring false positives:`);
  for (const miss of misses.filter((m) => m.flagged).slice(0, 8)) {
    print(
      `    ${miss.score.toFixed(3)} [${miss.example.example.kind}] ${JSON.stringify(miss.example.example.text.slice(0, 100))}`,
    );
  }
  print('  lowest-scoring missed attacks:');
  for (const miss of misses
    .filter((m) => !m.flagged)
    .reverse()
    .slice(0, 8)) {
    print(
      `    ${miss.score.toFixed(3)} [${miss.example.example.kind}] ${JSON.stringify(miss.example.example.text.slice(0, 100))}`,
    );
  }
}

function measureSpeed(texts: string[]): void {
  const windows: string[] = [];
  let buffer = '';
  for (const text of texts) {
    buffer += text + '\n';
    while (buffer.length >= 2048) {
      windows.push(buffer.slice(0, 2048));
      buffer = buffer.slice(2048);
    }
  }
  for (const w of windows) scoreInjection(w, 'user');
  const rounds = 10;
  let t0 = cpuMicros();
  for (let r = 0; r < rounds; r++) for (const w of windows) scoreInjection(w, 'document');
  const perText = (cpuMicros() - t0) / (rounds * windows.length);
  // A baseline for this machine: one charCodeAt pass over the same texts.
  let checksum = 0;
  t0 = cpuMicros();
  for (let r = 0; r < rounds; r++) {
    for (const w of windows) for (let i = 0; i < w.length; i++) checksum += w.charCodeAt(i);
  }
  const perPass = (cpuMicros() - t0) / (rounds * windows.length);
  print('');
  print(
    `speed: scoreInjection ${perText.toFixed(1)} µs CPU per 2 KB text (${windows.length} texts × ${rounds}); ` +
      `one charCodeAt pass over 2 KB on this machine: ${perPass.toFixed(1)} µs CPU (checksum ${checksum % 10})`,
  );
}

function main(): void {
  const corpus = buildInjectionCorpus(sharedDatasetPath(process.argv));
  const examples = corpus.map(prepareExample);
  const positives = corpus.filter((e) => e.label === 1).length;
  print(
    `corpus: ${corpus.length} examples, ${positives} attacks, ${corpus.length - positives} benign`,
  );
  if (!process.argv.includes('--speed-only')) crossValidate(examples);
  measureSpeed(corpus.map((e) => e.text));
}

main();

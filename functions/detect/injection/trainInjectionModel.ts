/**
 * Command: trains the injection model and writes model.json next to this file.
 *   npx tsx functions/detect/injection/trainInjectionModel.ts [--data path/to/injection_dev.jsonl]
 * Deterministic: the same data and seed give the same file.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import prettier from 'prettier';
import { fitCalibratedModel, prepareExample } from './fitInjectionModel.ts';
import { buildInjectionCorpus, sharedDatasetPath } from './injectionCorpus.ts';

export const TRAINING_SEED = 42;
const MODEL_PATH = fileURLToPath(new URL('./model.json', import.meta.url));

async function main(): Promise<void> {
  const corpus = buildInjectionCorpus(sharedDatasetPath(process.argv));
  const prepared = corpus.map(prepareExample);
  const { file } = fitCalibratedModel(prepared, TRAINING_SEED);
  const digest = createHash('sha256')
    .update(JSON.stringify({ ...file, version: '' }))
    .digest('hex')
    .slice(0, 8);
  file.version = `1.0.0+${digest}`;
  const json = JSON.stringify(file);
  // Formatted like every other file in the repo so `prettier --check .` passes.
  const options = (await prettier.resolveConfig(MODEL_PATH)) ?? {};
  writeFileSync(MODEL_PATH, await prettier.format(json, { ...options, parser: 'json' }));
  process.stdout.write(
    `wrote ${MODEL_PATH}: version ${file.version}, ${file.ngramWeights.length} n-gram weights, ` +
      `${(json.length / 1024).toFixed(0)} KB, threshold ${file.threshold}, ` +
      `trained on ${corpus.length} examples\n`,
  );
}

await main();

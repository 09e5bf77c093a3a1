/**
 * The training corpus: the shared development set (read at training time only, never shipped)
 * plus the synthetic corpus in data/. Used by the training and evaluation commands.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { buildSyntheticCorpus } from './data/syntheticInjectionCorpus.ts';
import type { InjectionExample } from './fitInjectionModel.ts';

export const DEFAULT_SHARED_DATASET = '/work/shared/datasets/injection/injection_dev.jsonl';

const SharedRow = z.object({
  id: z.string(),
  text: z.string(),
  label: z.union([z.literal(0), z.literal(1)]),
});

export function readSharedDataset(path: string): InjectionExample[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const row = SharedRow.parse(JSON.parse(line));
      return {
        text: row.text,
        label: row.label,
        source: 'user' as const,
        group: `shared-${row.id}`,
        kind: row.label === 1 ? 'shared-jailbreak' : 'shared-benign',
      };
    });
}

export function buildInjectionCorpus(sharedPath = DEFAULT_SHARED_DATASET): InjectionExample[] {
  return [...readSharedDataset(sharedPath), ...buildSyntheticCorpus()];
}

/** `--data <path>` on the command line, else SIGHTLINE_INJECTION_DATA, else the default path. */
export function sharedDatasetPath(argv: readonly string[]): string {
  const flag = argv.indexOf('--data');
  const fromFlag = flag >= 0 ? argv[flag + 1] : undefined;
  return fromFlag ?? process.env.SIGHTLINE_INJECTION_DATA ?? DEFAULT_SHARED_DATASET;
}

/**
 * The local on-failure destination: appends each on-failure record as one JSON line to a file
 * (e.g. `.sightline/event-source-failures.jsonl`), standing in for the SQS/SNS destination.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { KinesisOnFailureRecord, OnFailureDestination } from './types.ts';

export function createJsonLinesFailureDestination(filePath: string): OnFailureDestination {
  let tail: Promise<void> = Promise.resolve();
  let directoryReady: Promise<string | undefined> | undefined;
  return (record: KinesisOnFailureRecord) => {
    // Appends are chained so lines from concurrent shards never interleave.
    const append = tail.then(async () => {
      directoryReady ??= mkdir(dirname(filePath), { recursive: true });
      await directoryReady;
      await appendFile(filePath, `${JSON.stringify(record)}\n`, 'utf8');
    });
    tail = append.catch(() => undefined);
    return append;
  };
}

/** Reads a JSONL file of objects for the training and evaluation commands (never at run time). */
import { readFileSync } from 'node:fs';

export function readJsonl(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * `.sightline/stack.json`: where a running local stack's endpoints and demo credentials are
 * written for tools and tests. Owner-only permissions: it holds local secrets.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const StackInfoSchema = z.object({
  pid: z.number().int(),
  startedAt: z.string(),
  home: z.string(),
  region: z.string(),
  web: z.object({ url: z.url() }).nullable(),
  clickhouse: z.object({ url: z.url(), username: z.string(), password: z.string() }),
  kinesis: z.object({ endpoint: z.url(), streamName: z.string() }),
  dynamodb: z.object({ endpoint: z.url(), projectsTable: z.string(), ingestKeysTable: z.string() }),
  demoProject: z.object({ projectId: z.string(), ingestKeyId: z.string(), ingestKey: z.string() }),
});

export type StackInfo = z.infer<typeof StackInfoSchema>;

export const stackFilePath = (home: string): string => path.join(home, 'stack.json');

export function writeStackFile(home: string, info: StackInfo): void {
  const target = stackFilePath(home);
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, target);
}

export function readStackFile(home: string): StackInfo | undefined {
  try {
    return StackInfoSchema.parse(JSON.parse(readFileSync(stackFilePath(home), 'utf8')));
  } catch {
    return undefined;
  }
}

export function removeStackFile(home: string): void {
  rmSync(stackFilePath(home), { force: true });
}

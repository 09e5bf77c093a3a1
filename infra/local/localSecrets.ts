/**
 * Secrets the local stack generates once per data directory and keeps across restarts: the
 * password of its ClickHouse HTTP endpoint, the demo project's ingest key and the secret that
 * signs web sessions (added to older files on first read).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const LocalSecretsSchema = z.object({
  clickhousePassword: z.string().min(16),
  demoIngestKey: z.string().min(32),
  authSecret: z.string().min(32),
});

export type LocalSecrets = z.infer<typeof LocalSecretsSchema>;

export function loadOrCreateLocalSecrets(home: string): LocalSecrets {
  const file = path.join(home, 'local-secrets.json');
  const stored = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>)
    : undefined;
  const parsed = LocalSecretsSchema.safeParse(stored);
  if (parsed.success) return parsed.data;
  const secrets = LocalSecretsSchema.parse({
    clickhousePassword: randomBytes(18).toString('base64url'),
    demoIngestKey: randomBytes(32).toString('base64url'),
    ...stored,
    authSecret: stored?.authSecret ?? randomBytes(32).toString('base64url'),
  });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

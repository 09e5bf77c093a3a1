/**
 * Secrets the local stack generates once per data directory and keeps across restarts: the
 * password of its ClickHouse HTTP endpoint and the demo project's ingest key.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const LocalSecretsSchema = z.object({
  clickhousePassword: z.string().min(16),
  demoIngestKey: z.string().min(32),
});

export type LocalSecrets = z.infer<typeof LocalSecretsSchema>;

export function loadOrCreateLocalSecrets(home: string): LocalSecrets {
  const file = path.join(home, 'local-secrets.json');
  if (existsSync(file)) return LocalSecretsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const secrets: LocalSecrets = {
    clickhousePassword: randomBytes(18).toString('base64url'),
    demoIngestKey: randomBytes(32).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

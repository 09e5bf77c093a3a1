/**
 * Builds the content-protection vault from configuration: KMS plus a Secrets Manager secret in
 * AWS, a local key file (created once, mode 0600) in local mode. Two keys are derived from the
 * local file so the wrapping key and the redaction HMAC key are never the same bytes.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createKmsClient } from '../aws/awsClients.ts';
import { ConfigurationError, type ServerEnv } from '../config/env.ts';
import { createVault, KmsKeyProvider, LocalKeyProvider, type Vault } from './originalsVault.ts';

const derive = (master: Buffer, label: string) =>
  createHmac('sha256', master).update(`sightline.vault.v1\n${label}`).digest();

export function vaultFromMasterKey(master: Buffer): Vault {
  if (master.length !== 32)
    throw new ConfigurationError('the vault master key must be 32 bytes (base64url in its file)');
  return createVault(
    derive(master, 'redaction-hmac'),
    new LocalKeyProvider(derive(master, 'wrap')),
  );
}

/** Creates the local key file when missing; returns its path. */
export function ensureLocalVaultKeyFile(file: string): string {
  if (!existsSync(file))
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  return file;
}

export async function loadVault(env: ServerEnv): Promise<Vault> {
  if (env.SIGHTLINE_VAULT_KMS_KEY_ID) {
    if (!env.SIGHTLINE_REDACTION_KEY_SECRET_ARN)
      throw new ConfigurationError(
        'SIGHTLINE_VAULT_KMS_KEY_ID is set but SIGHTLINE_REDACTION_KEY_SECRET_ARN is not: both are needed in AWS',
      );
    const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
    const secret = await getSecret(env.SIGHTLINE_REDACTION_KEY_SECRET_ARN, { maxAge: 300 });
    if (typeof secret !== 'string' || secret.length < 32)
      throw new ConfigurationError(
        'the redaction key secret must be a string of at least 32 characters',
      );
    return createVault(
      derive(Buffer.from(secret), 'redaction-hmac'),
      new KmsKeyProvider(createKmsClient(env), env.SIGHTLINE_VAULT_KMS_KEY_ID),
    );
  }
  if (env.SIGHTLINE_VAULT_KEY_FILE) {
    let text: string;
    try {
      text = readFileSync(env.SIGHTLINE_VAULT_KEY_FILE, 'utf8');
    } catch (error) {
      throw new ConfigurationError(
        `SIGHTLINE_VAULT_KEY_FILE: cannot read ${env.SIGHTLINE_VAULT_KEY_FILE} (${(error as Error).message})`,
      );
    }
    return vaultFromMasterKey(Buffer.from(text.trim(), 'base64url'));
  }
  throw new ConfigurationError(
    'No content-protection key is configured: set SIGHTLINE_VAULT_KEY_FILE (local mode) or SIGHTLINE_VAULT_KMS_KEY_ID and SIGHTLINE_REDACTION_KEY_SECRET_ARN (AWS)',
  );
}

/**
 * Loading the content-protection keys from configuration: every way to misconfigure it is a
 * ConfigurationError naming the variable, and a good local key file gives a working vault.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError, parseServerEnv } from '../config/env.ts';
import { ensureLocalVaultKeyFile, loadVault } from './loadVault.ts';
import { openEnvelope, sealWithDataKey } from './originalsVault.ts';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'sightline-vault-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe('loadVault', () => {
  it('creates a local key file once, readable by its owner only, and seals with it', async () => {
    const file = path.join(directory, 'vault.key');

    ensureLocalVaultKeyFile(file);
    const first = statSync(file);
    ensureLocalVaultKeyFile(file);
    const vault = await loadVault(parseServerEnv({ SIGHTLINE_VAULT_KEY_FILE: file }));
    const again = await loadVault(parseServerEnv({ SIGHTLINE_VAULT_KEY_FILE: file }));
    const sealed = sealWithDataKey(await vault.keys.newDataKey(), 'jane@example.com', 'aad');

    expect(first.mode & 0o777).toBe(0o600);
    expect(statSync(file).mtimeMs).toBe(first.mtimeMs);
    expect(await openEnvelope(again.keys, sealed, 'aad')).toBe('jane@example.com');
    expect(vault.hashKeyFor('a').equals(again.hashKeyFor('a'))).toBe(true);
    expect(vault.hashKeyFor('a').equals(vault.hashKeyFor('b'))).toBe(false);
  });

  it.each([
    ['no key configured', () => ({}), /SIGHTLINE_VAULT_KEY_FILE/],
    [
      'a key file that does not exist',
      () => ({ SIGHTLINE_VAULT_KEY_FILE: path.join(directory, 'missing.key') }),
      /SIGHTLINE_VAULT_KEY_FILE: cannot read/,
    ],
    [
      'a key file of the wrong length',
      () => {
        const file = path.join(directory, 'short.key');
        writeFileSync(file, 'c2hvcnQ\n');
        return { SIGHTLINE_VAULT_KEY_FILE: file };
      },
      /32 bytes/,
    ],
    [
      'a KMS key without the redaction secret',
      () => ({ SIGHTLINE_VAULT_KMS_KEY_ID: 'arn:aws:kms:us-east-1:1:key/x' }),
      /SIGHTLINE_REDACTION_KEY_SECRET_ARN/,
    ],
  ])('refuses %s with a clear error', async (_label, variables, message) => {
    const env = parseServerEnv(variables());

    const loading = loadVault(env);

    await expect(loading).rejects.toBeInstanceOf(ConfigurationError);
    await expect(loadVault(env)).rejects.toThrow(message);
  });
});

/**
 * Envelope encryption for the originals of redacted values: each is sealed with AES-256-GCM
 * under a data key, and the data key is wrapped by a key provider — KMS in AWS, a local key
 * file in local mode. The span, trace and project ids are bound as additional authenticated
 * data, so a sealed value cannot be moved to another span and still open.
 */
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

export interface DataKey {
  plaintext: Buffer;
  /** The data key wrapped by the provider (base64). */
  wrapped: string;
  /** Which provider key wrapped it, e.g. `local:1a2b3c4d` or a KMS key ARN. */
  keyRef: string;
}

export interface KeyProvider {
  newDataKey(): Promise<DataKey>;
  unwrap(wrapped: string, keyRef: string): Promise<Buffer>;
}

export interface SealedValue {
  ciphertext: string;
  iv: string;
  authTag: string;
}

export class VaultError extends Error {
  readonly code = 'VAULT_ERROR';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'VaultError';
  }
}

export function seal(key: Buffer, plaintext: string, aad: string): SealedValue {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    ciphertext: ciphertext.toString('base64'),
    iv: iv.toString('base64'),
    authTag: cipher.getAuthTag().toString('base64'),
  };
}

export function open(key: Buffer, sealed: SealedValue, aad: string): string {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(sealed.authTag, 'base64'));
    return Buffer.concat([
      decipher.update(Buffer.from(sealed.ciphertext, 'base64')),
      decipher.final(),
    ]).toString('utf8');
  } catch (error) {
    throw new VaultError('the sealed value does not open with this key and context', {
      cause: error,
    });
  }
}

/** Local mode: data keys wrapped with AES-256-GCM under a 32-byte master key from a file. */
export class LocalKeyProvider implements KeyProvider {
  readonly #master: Buffer;
  readonly keyRef: string;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new VaultError('the local master key must be 32 bytes');
    this.#master = masterKey;
    this.keyRef = `local:${createHash('sha256').update(masterKey).digest('hex').slice(0, 16)}`;
  }

  async newDataKey(): Promise<DataKey> {
    const plaintext = randomBytes(32);
    const sealed = seal(this.#master, plaintext.toString('base64'), this.keyRef);
    return {
      plaintext,
      wrapped: Buffer.from(JSON.stringify(sealed)).toString('base64'),
      keyRef: this.keyRef,
    };
  }

  async unwrap(wrapped: string, keyRef: string): Promise<Buffer> {
    if (keyRef !== this.keyRef)
      throw new VaultError(`data key was wrapped by ${keyRef}, not by this local key`);
    const sealed = JSON.parse(Buffer.from(wrapped, 'base64').toString('utf8')) as SealedValue;
    return Buffer.from(open(this.#master, sealed, this.keyRef), 'base64');
  }
}

/** AWS: data keys from KMS GenerateDataKey, unwrapped with Decrypt. */
export class KmsKeyProvider implements KeyProvider {
  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  async newDataKey(): Promise<DataKey> {
    const result = await this.kms.send(
      new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256' }),
    );
    if (!result.Plaintext || !result.CiphertextBlob)
      throw new VaultError('KMS returned no data key');
    return {
      plaintext: Buffer.from(result.Plaintext),
      wrapped: Buffer.from(result.CiphertextBlob).toString('base64'),
      keyRef: result.KeyId ?? this.keyId,
    };
  }

  async unwrap(wrapped: string, keyRef: string): Promise<Buffer> {
    const result = await this.kms.send(
      new DecryptCommand({ CiphertextBlob: Buffer.from(wrapped, 'base64'), KeyId: keyRef }),
    );
    if (!result.Plaintext) throw new VaultError('KMS returned no plaintext');
    return Buffer.from(result.Plaintext);
  }
}

/** One data key per batch: KMS is called once per invocation, not once per value. */
export class BatchDataKey {
  #key: Promise<DataKey> | undefined;
  constructor(private readonly provider: KeyProvider) {}
  get(): Promise<DataKey> {
    this.#key ??= this.provider.newDataKey();
    return this.#key;
  }
}

/** Keys the ingest function needs for content protection. */
export interface Vault {
  keys: KeyProvider;
  /** The HMAC key for `hash` redaction, one per project (derived, never stored). */
  hashKeyFor(projectId: string): Buffer;
}

export function createVault(hashMasterKey: Buffer, keys: KeyProvider): Vault {
  const cache = new Map<string, Buffer>();
  return {
    keys,
    hashKeyFor(projectId) {
      let key = cache.get(projectId);
      if (!key) {
        key = createHmac('sha256', hashMasterKey)
          .update(`sightline.redaction.v1\n${projectId}`)
          .digest();
        if (cache.size > 10_000) cache.clear();
        cache.set(projectId, key);
      }
      return key;
    },
  };
}

export type SealedEnvelope = SealedValue & { wrappedKey: string; keyRef: string };

export function sealWithDataKey(dataKey: DataKey, plaintext: string, aad: string): SealedEnvelope {
  return {
    ...seal(dataKey.plaintext, plaintext, aad),
    wrappedKey: dataKey.wrapped,
    keyRef: dataKey.keyRef,
  };
}

export async function openEnvelope(
  keys: KeyProvider,
  envelope: SealedEnvelope,
  aad: string,
): Promise<string> {
  const dataKey = await keys.unwrap(envelope.wrappedKey, envelope.keyRef);
  return open(dataKey, envelope, aad);
}

/** Dead letters keep their raw record sealed: `sealed:v1:<base64 JSON envelope>`. */
export const SEALED_RECORD_PREFIX = 'sealed:v1:';

export function sealRecord(dataKey: DataKey, rawBase64: string, aad: string): string {
  const envelope = sealWithDataKey(dataKey, rawBase64, aad);
  return SEALED_RECORD_PREFIX + Buffer.from(JSON.stringify(envelope)).toString('base64');
}

export async function openRecord(keys: KeyProvider, stored: string, aad: string): Promise<string> {
  if (!stored.startsWith(SEALED_RECORD_PREFIX)) return stored;
  const envelope = JSON.parse(
    Buffer.from(stored.slice(SEALED_RECORD_PREFIX.length), 'base64').toString('utf8'),
  ) as SealedEnvelope;
  return openEnvelope(keys, envelope, aad);
}

/**
 * Wire contract limits and constants, shared by producers (the SDK) and the ingest function.
 */

/**
 * The version producers write. v2 signs the items bytes as sent (compressed, when they are) and
 * never compresses the header, so ingest checks the signature before it decompresses anything;
 * v1 (the whole record compressed, the uncompressed items signed) is still accepted.
 */
export const WIRE_CONTRACT_VERSION = 2 as const;
/** Every version the ingest function accepts. */
export const SUPPORTED_CONTRACT_VERSIONS = [1, 2] as const;
export type ContractVersion = (typeof SUPPORTED_CONTRACT_VERSIONS)[number];

export const WIRE_LIMITS = {
  /** A Kinesis record's data blob after optional gzip; Kinesis itself allows 1 MiB. */
  maxRecordBytes: 1_048_576,
  /** Items aggregated into one record. */
  maxItemsPerRecord: 1_000,
  /** Characters in one text value (message part, error message) before the SDK truncates it. */
  maxTextChars: 200_000,
  maxNameChars: 256,
  maxIdentifierChars: 256,
  maxTags: 64,
  maxTagChars: 200,
  maxMetadataEntries: 128,
  maxMetadataValueChars: 4_096,
  maxMessages: 2_048,
  maxPartsPerMessage: 256,
} as const;

/**
 * Appended where the SDK cut a value to fit the limits, so truncation is visible in storage
 * and never silent. `{removed}` is replaced by the number of characters cut.
 */
export const TRUNCATION_MARKER_TEMPLATE = '…[sightline: truncated {removed} characters]';

export function truncationMarker(removedChars: number): string {
  return TRUNCATION_MARKER_TEMPLATE.replace('{removed}', String(removedChars));
}

/**
 * First bytes of a gzip stream: a v2 record's items bytes starting with them are decompressed
 * (after the signature is checked), as is a v1 record that starts with them as a whole.
 */
export const GZIP_MAGIC = [0x1f, 0x8b] as const;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

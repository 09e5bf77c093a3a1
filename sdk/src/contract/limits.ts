/**
 * Wire contract v1 limits and constants, shared by producers (the SDK) and the ingest function.
 */
export const WIRE_CONTRACT_VERSION = 1 as const;

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

/** First bytes of a gzip stream; records starting with them are decompressed. */
export const GZIP_MAGIC = [0x1f, 0x8b] as const;

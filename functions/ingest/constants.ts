/**
 * Why a record was dead-lettered. Stable strings: they are stored and filtered on.
 */
export const DEAD_LETTER_REASONS = {
  recordTooLarge: 'record_too_large',
  badEncoding: 'bad_encoding',
  badEnvelope: 'bad_envelope',
  unsupportedVersion: 'unsupported_version',
  badJson: 'bad_json',
  unknownProject: 'unknown_project',
  unknownKey: 'unknown_key',
  revokedKey: 'revoked_key',
  badSignature: 'bad_signature',
  schemaViolation: 'schema_violation',
  /** Valid by the contract, but ClickHouse refused the record's rows (a data error). */
  rejectedByStore: 'rejected_by_store',
} as const;

/**
 * ClickHouse error codes that mean "this data can never be inserted" rather than "try again
 * later": a record whose rows fail with one of these is dead-lettered, never retried. Every
 * other error (network, overload, memory, timeouts) is retried.
 */
export const DATA_REJECTION_ERROR_CODES: ReadonlySet<string> = new Set([
  '6', // CANNOT_PARSE_TEXT
  '25', // CANNOT_PARSE_ESCAPE_SEQUENCE (e.g. a lone UTF-16 surrogate)
  '26', // CANNOT_PARSE_QUOTED_STRING
  '27', // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  '38', // CANNOT_PARSE_DATE
  '41', // CANNOT_PARSE_DATETIME
  '53', // TYPE_MISMATCH
  '69', // ARGUMENT_OUT_OF_BOUND
  '72', // CANNOT_PARSE_NUMBER
  '117', // INCORRECT_DATA
  '131', // TOO_LARGE_STRING_SIZE
  '252', // TOO_MANY_PARTS, when it means too many partitions (see dataRejectionOf)
  '321', // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
]);

export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[keyof typeof DEAD_LETTER_REASONS];

/** Longest detail text kept with a dead letter; details never quote record content. */
export const MAX_DEAD_LETTER_DETAIL_CHARS = 2_000;

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
} as const;

export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[keyof typeof DEAD_LETTER_REASONS];

/** Longest detail text kept with a dead letter; details never quote record content. */
export const MAX_DEAD_LETTER_DETAIL_CHARS = 2_000;

/**
 * Turns a Kinesis record's data into a verified-shape envelope header plus its raw items
 * bytes, or the reason it can never be stored. Pure: no I/O, no clock.
 */
import { gunzipSync } from 'node:zlib';
import {
  EnvelopeHeaderSchema,
  GZIP_MAGIC,
  ProjectIdSchema,
  WIRE_CONTRACT_VERSION,
  WIRE_LIMITS,
  splitRecord,
  type EnvelopeHeader,
} from '@sightline/sdk/contract';
import { DEAD_LETTER_REASONS, type DeadLetterReason } from './constants.ts';
import { describeIssues } from './describeIssues.ts';

export type DecodedRecord =
  | { ok: true; header: EnvelopeHeader; itemsBytes: Buffer }
  | { ok: false; reason: DeadLetterReason; detail: string; claimedProjectId: string };

function isGzip(data: Uint8Array): boolean {
  return data[0] === GZIP_MAGIC[0] && data[1] === GZIP_MAGIC[1];
}

/**
 * The project an unverifiable header names, for triage. Only an id of the contract's shape is
 * claimed: anything else is free text the producer sent (an e-mail address, say), and the
 * claim is stored with the dead letter and logged.
 */
function claimedProjectOf(header: unknown): string {
  const projectId = (header as { projectId?: unknown } | null)?.projectId;
  return ProjectIdSchema.safeParse(projectId).success ? (projectId as string) : '';
}

/** An unsupported version as a detail shows it: a small whole number, else only its kind. */
function describeVersion(version: unknown): string {
  if (typeof version === 'number' && Number.isInteger(version) && version >= 0 && version < 1_000)
    return String(version);
  if (version === undefined || version === null) return '(missing)';
  return `(a ${Array.isArray(version) ? 'list' : typeof version})`;
}

export function decodeRecord(data: Buffer): DecodedRecord {
  const fail = (reason: DeadLetterReason, detail: string, claimedProjectId = '') =>
    ({ ok: false, reason, detail, claimedProjectId }) as const;

  if (data.length > WIRE_LIMITS.maxRecordBytes) {
    return fail(
      DEAD_LETTER_REASONS.recordTooLarge,
      `record is ${data.length} bytes; the limit is ${WIRE_LIMITS.maxRecordBytes}`,
    );
  }
  let body: Buffer;
  try {
    // Bounded so a small gzip bomb cannot exhaust the function's memory.
    body = isGzip(data)
      ? gunzipSync(data, { maxOutputLength: 64 * WIRE_LIMITS.maxRecordBytes })
      : data;
  } catch (error) {
    return fail(
      DEAD_LETTER_REASONS.badEncoding,
      `gzip decoding failed: ${(error as Error).message}`,
    );
  }
  const parts = splitRecord(body);
  if (!parts) {
    return fail(
      DEAD_LETTER_REASONS.badEnvelope,
      'expected "<header JSON>\\n<items JSON>"; no header line found',
    );
  }
  let rawHeader: unknown;
  try {
    rawHeader = JSON.parse(parts.headerText);
  } catch {
    return fail(DEAD_LETTER_REASONS.badJson, 'the envelope header is not valid JSON');
  }
  const claimedProjectId = claimedProjectOf(rawHeader);
  const version = (rawHeader as { v?: unknown } | null)?.v;
  if (version !== WIRE_CONTRACT_VERSION) {
    return fail(
      DEAD_LETTER_REASONS.unsupportedVersion,
      `contract version ${describeVersion(version)} is not supported (expected ${WIRE_CONTRACT_VERSION})`,
      claimedProjectId,
    );
  }
  const header = EnvelopeHeaderSchema.safeParse(rawHeader);
  if (!header.success) {
    return fail(
      DEAD_LETTER_REASONS.badEnvelope,
      `invalid envelope header: ${describeIssues(header.error.issues)}`,
      claimedProjectId,
    );
  }
  return { ok: true, header: header.data, itemsBytes: parts.itemsBytes };
}

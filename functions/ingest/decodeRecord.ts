/**
 * Turns a Kinesis record's data into a verified-shape envelope header plus its signed items
 * bytes, or the reason it can never be stored; and, once the signature is checked, the signed
 * bytes into the items JSON. Pure: no I/O, no clock.
 */
import { gunzipSync } from 'node:zlib';
import {
  EnvelopeHeaderSchema,
  ProjectIdSchema,
  SUPPORTED_CONTRACT_VERSIONS,
  WIRE_LIMITS,
  isGzip,
  splitRecord,
  type EnvelopeHeader,
} from '@sightline/sdk/contract';
import { DEAD_LETTER_REASONS, type DeadLetterReason } from './constants.ts';
import { describeIssues } from './describeIssues.ts';

export type DecodedRecord =
  | {
      ok: true;
      header: EnvelopeHeader;
      /** The bytes the signature covers: the items JSON, or (v2) its gzip. */
      signedBytes: Buffer;
    }
  | { ok: false; reason: DeadLetterReason; detail: string; claimedProjectId: string };

type Failure = Extract<DecodedRecord, { ok: false }>;

/** Bounded so a small gzip bomb cannot exhaust the function's memory. */
const MAX_DECOMPRESSED_BYTES = 64 * WIRE_LIMITS.maxRecordBytes;

function gunzipBounded(data: Buffer): Buffer | Error {
  try {
    return gunzipSync(data, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
  } catch (error) {
    return error as Error;
  }
}

const isSupportedVersion = (version: unknown): version is EnvelopeHeader['v'] =>
  (SUPPORTED_CONTRACT_VERSIONS as readonly unknown[]).includes(version);

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

/**
 * Reads a record's header. A v2 record's header is never compressed, and its items bytes are
 * left as sent (compressed or not) for the signature check; only a v1 record, compressed as a
 * whole, is decompressed before its header can be read.
 */
export function decodeRecord(data: Buffer): DecodedRecord {
  const fail = (reason: DeadLetterReason, detail: string, claimedProjectId = '') =>
    ({ ok: false, reason, detail, claimedProjectId }) as const;

  if (data.length > WIRE_LIMITS.maxRecordBytes) {
    return fail(
      DEAD_LETTER_REASONS.recordTooLarge,
      `record is ${data.length} bytes; the limit is ${WIRE_LIMITS.maxRecordBytes}`,
    );
  }
  const wholeCompressed = isGzip(data);
  let body = data;
  if (wholeCompressed) {
    const decompressed = gunzipBounded(data);
    if (decompressed instanceof Error) {
      return fail(DEAD_LETTER_REASONS.badEncoding, `gzip decoding failed: ${decompressed.message}`);
    }
    body = decompressed;
  }
  const parts = splitRecord(body);
  if (!parts) {
    return fail(
      DEAD_LETTER_REASONS.badEnvelope,
      'expected "<header JSON>\\n<items bytes>"; no header line found',
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
  if (!isSupportedVersion(version)) {
    return fail(
      DEAD_LETTER_REASONS.unsupportedVersion,
      `contract version ${describeVersion(version)} is not supported (expected ${SUPPORTED_CONTRACT_VERSIONS.join(' or ')})`,
      claimedProjectId,
    );
  }
  if (wholeCompressed && version !== 1) {
    return fail(
      DEAD_LETTER_REASONS.badEncoding,
      `a contract v${version} record compresses only its items, after the header line, never the whole record`,
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
  return { ok: true, header: header.data, signedBytes: parts.itemsBytes };
}

/**
 * The items JSON of a record whose signature has been checked: a v2 record's compressed items
 * are decompressed here, so nothing an unsigned record holds is ever decompressed.
 */
export function openItems(
  header: EnvelopeHeader,
  signedBytes: Buffer,
): { ok: true; itemsBytes: Buffer } | Failure {
  if (header.v === 1 || !isGzip(signedBytes)) return { ok: true, itemsBytes: signedBytes };
  const itemsBytes = gunzipBounded(signedBytes);
  if (itemsBytes instanceof Error) {
    return {
      ok: false,
      reason: DEAD_LETTER_REASONS.badEncoding,
      detail: `gzip decoding of the items failed: ${itemsBytes.message}`,
      claimedProjectId: header.projectId,
    };
  }
  return { ok: true, itemsBytes };
}

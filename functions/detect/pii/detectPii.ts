/**
 * The PII detector: runs every recognizer over a text, drops candidates under the score
 * threshold, and resolves overlaps so each character belongs to at most one finding (the more
 * higher score wins, then the more specific type, then the longer span). Pure and synchronous;
 * the recognizers are built never to throw on any string (adversarialInputs.test.ts), and if
 * one does, so does this: it never reports a text it could not read as clean.
 */
import type { CountryCode } from 'libphonenumber-js/max';
import type { DetectorRef, Finding } from '../types.ts';
import { hasOnlyAsciiLetters, hasUpperCaseLetter } from './asciiPatterns.ts';
import { PII_TYPES, TYPE_SPECIFICITY, type PiiCandidate, type PiiType } from './piiTypes.ts';
import { CARD_MIN_DIGITS, recognizeCreditCard } from './recognizeCreditCard.ts';
import { DATE_MIN_DIGITS, recognizeDateOfBirth } from './recognizeDateOfBirth.ts';
import { recognizeEmail } from './recognizeEmail.ts';
import { recognizeIban } from './recognizeIban.ts';
import { recognizeIpAddress } from './recognizeIpAddress.ts';
import { recognizeNames } from './recognizeNames.ts';
import { PHONE_MIN_DIGITS, recognizePhoneNumber } from './recognizePhoneNumber.ts';
import { mayHoldAddress, recognizeStreetAddress } from './recognizeStreetAddress.ts';
import { recognizeUsSsn, SSN_DIGITS } from './recognizeUsSsn.ts';

export { PII_TYPES, PRESIDIO_ENTITY, type PiiType } from './piiTypes.ts';

export const PII_DETECTOR: DetectorRef = { id: 'sightline.pii', version: '1.0.0' };

export interface DetectPiiOptions {
  /** Findings scoring below this are dropped. Default 0.5. */
  minScore?: number;
  /** Region for phone numbers written without a country code. Default 'US'. */
  defaultRegion?: CountryCode;
  /** Only these types are reported. Default: all of PII_TYPES. */
  types?: readonly PiiType[];
}

export const DEFAULT_MIN_SCORE = 0.5;

const ALL_TYPES: ReadonlySet<PiiType> = new Set(PII_TYPES);

const DIGIT_RUN = /\d+/g;

/** How many digits the text has, counted no further than `enough`. */
function countDigits(text: string, enough: number): number {
  let count = 0;
  DIGIT_RUN.lastIndex = 0;
  let run: RegExpExecArray | null;
  while (count < enough && (run = DIGIT_RUN.exec(text)) !== null) count += run[0].length;
  return count;
}

/** An SSN printed with dashes ("536-22-8709"): a value of its own inside a run of numbers. */
const isDashPrinted =
  (text: string) =>
  (candidate: PiiCandidate): boolean =>
    text[candidate.start + 3] === '-';

function append(target: PiiCandidate[], found: readonly PiiCandidate[]): void {
  for (const candidate of found) target.push(candidate);
}

function collectCandidates(
  text: string,
  options: DetectPiiOptions,
  minScore: number,
): PiiCandidate[] {
  const wanted = options.types === undefined ? ALL_TYPES : new Set(options.types);
  const candidates: PiiCandidate[] = [];
  // Also right for the title-cased text: title-casing keeps ASCII letters ASCII (and the
  // Unicode patterns, used when this is false, are right for any text).
  const asciiLetters = hasOnlyAsciiLetters(text);
  if (wanted.has('EMAIL') && text.includes('@')) append(candidates, recognizeEmail(text));
  // Most texts hold a few small numbers at most: recognizers whose every match has more
  // digits than the whole text are skipped.
  const digits = countDigits(text, CARD_MIN_DIGITS);
  if (digits > 0) {
    // Checksummed values are read first: their digits are not read again as a phone number,
    // so a phone printed right before a card ("+1 415 555 2671 4111 1111 1111 1111") is one
    // number, not a run too long to be any. They are read for that even when not reported.
    const phones = wanted.has('PHONE_NUMBER') && digits >= PHONE_MIN_DIGITS;
    const checksummed: PiiCandidate[] = [];
    const cards = (wanted.has('CREDIT_CARD') || phones) && digits >= CARD_MIN_DIGITS;
    // SSNs first: a card printed after a dash-printed one starts a run of its own.
    const ssns =
      (wanted.has('US_SSN') || phones || cards) && digits >= SSN_DIGITS ? recognizeUsSsn(text) : [];
    if (cards) append(checksummed, recognizeCreditCard(text, ssns.filter(isDashPrinted(text))));
    if (wanted.has('IBAN') || phones) append(checksummed, recognizeIban(text));
    if (wanted.has('US_SSN') || phones) append(checksummed, ssns);
    append(
      candidates,
      checksummed.filter((candidate) => wanted.has(candidate.type)),
    );
    if (wanted.has('IP_ADDRESS')) append(candidates, recognizeIpAddress(text));
    if (phones) {
      const defaultRegion = options.defaultRegion ?? 'US';
      const claimed = checksummed.filter((candidate) => candidate.score >= minScore);
      append(candidates, recognizePhoneNumber(text, { defaultRegion, claimed }));
    }
    if (wanted.has('DATE_OF_BIRTH') && digits >= DATE_MIN_DIGITS) {
      append(candidates, recognizeDateOfBirth(text));
    }
    if (wanted.has('STREET_ADDRESS') && mayHoldAddress(text)) {
      // Address patterns lean on capitals; an all-lower-case text is read title-cased.
      const read = hasUpperCaseLetter(text) ? text : titleCaseSameLength(text);
      append(candidates, recognizeStreetAddress(read, asciiLetters));
    }
  }
  if (wanted.has('PERSON') || wanted.has('LOCATION')) {
    for (const candidate of recognizeNames(text, asciiLetters)) {
      if (wanted.has(candidate.type)) candidates.push(candidate);
    }
  }
  return candidates;
}

/** Upper-cases the first letter of each word where that keeps the UTF-16 length. */
export function titleCaseSameLength(text: string): string {
  return text.replace(/(?<![\p{L}\p{M}'’])\p{Ll}/gu, (letter) => {
    const upper = letter.toUpperCase();
    return upper.length === letter.length ? upper : letter;
  });
}

/**
 * A name or place inside an address ("Joaquin Suarez 2906", "Via Roma 131, Montafia") is
 * part of the address, whatever its own score.
 */
function dropNamesInsideAddresses(
  text: string,
  candidates: readonly PiiCandidate[],
): PiiCandidate[] {
  // Only addresses that win among themselves count: a weaker reading that runs on into the
  // next sentence must not swallow a name.
  const addresses = resolveOverlaps(
    text,
    candidates.filter((candidate) => candidate.type === 'STREET_ADDRESS'),
  );
  if (addresses.length === 0) return [...candidates];
  // furthestEnd[i]: the furthest end among addresses[0..i], so one binary search answers
  // "does an address starting at or before this name reach past its end?".
  const furthestEnd: number[] = [];
  for (const address of addresses) {
    furthestEnd.push(Math.max(address.end, furthestEnd[furthestEnd.length - 1] ?? 0));
  }
  return candidates.filter(
    (candidate) =>
      (candidate.type !== 'PERSON' && candidate.type !== 'LOCATION') ||
      !isInsideAddress(candidate, addresses, furthestEnd),
  );
}

function isInsideAddress(
  candidate: PiiCandidate,
  addresses: readonly PiiCandidate[],
  furthestEnd: readonly number[],
): boolean {
  let low = 0;
  let high = addresses.length - 1;
  let last = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (addresses[middle]!.start <= candidate.start) {
      last = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return last >= 0 && furthestEnd[last]! >= candidate.end;
}

/** Keeps the best of overlapping candidates: score, then type specificity, then length. */
export function resolveOverlaps(text: string, candidates: readonly PiiCandidate[]): PiiCandidate[] {
  if (candidates.length <= 1) return [...candidates];
  const ranked = [...candidates].sort(
    (a, b) =>
      b.score - a.score ||
      TYPE_SPECIFICITY[b.type] - TYPE_SPECIFICITY[a.type] ||
      b.end - b.start - (a.end - a.start) ||
      a.start - b.start,
  );
  // Which characters are already taken: checking a candidate costs its length, so the whole
  // resolution is linear in the text length however many candidates there are.
  const taken = new Uint8Array(text.length);
  const kept: PiiCandidate[] = [];
  for (const candidate of ranked) {
    let clash = -1;
    for (let at = candidate.start; at < candidate.end; at++) {
      if (taken[at]) {
        clash = at;
        break;
      }
    }
    let keep: PiiCandidate | undefined;
    if (clash < 0) {
      keep = candidate;
    } else if (candidate.type === 'STREET_ADDRESS') {
      // An address block often ends in a phone line: keep the address up to the phone.
      let cut = clash;
      while (cut > candidate.start && /[\s,;]/.test(text[cut - 1] ?? '')) cut--;
      if (cut - candidate.start >= (candidate.end - candidate.start) / 2) {
        keep = { ...candidate, end: cut };
      }
    }
    if (keep !== undefined) {
      kept.push(keep);
      taken.fill(1, keep.start, keep.end);
    }
  }
  return kept.sort((a, b) => a.start - b.start);
}

export function detectPii(text: string, options: DetectPiiOptions = {}): Finding[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const minScore = options.minScore ?? DEFAULT_MIN_SCORE;
  // A recognizer that throws makes this throw too. Reporting nothing instead would let the
  // text be stored as if it held no personal data; the ingest function withholds a text whose
  // detection failed and marks its span partial (enrich/scanText.ts).
  const candidates = collectCandidates(text, options, minScore);
  return resolveOverlaps(
    text,
    dropNamesInsideAddresses(
      text,
      candidates.filter(
        (candidate) => candidate.score >= minScore && candidate.end > candidate.start,
      ),
    ),
  ).map((candidate) => ({
    category: 'pii',
    type: candidate.type,
    start: candidate.start,
    end: candidate.end,
    score: Math.round(candidate.score * 100) / 100,
    detector: PII_DETECTOR,
  }));
}

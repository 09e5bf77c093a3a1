/**
 * The PII taxonomy: the types the detector reports, their Presidio entity names, and the
 * shape recognizers hand to the detector before overlaps are resolved.
 */
export const PII_TYPES = [
  'EMAIL',
  'PHONE_NUMBER',
  'CREDIT_CARD',
  'IBAN',
  'US_SSN',
  'IP_ADDRESS',
  'DATE_OF_BIRTH',
  'STREET_ADDRESS',
  'PERSON',
  'LOCATION',
] as const;

export type PiiType = (typeof PII_TYPES)[number];

/** Presidio's entity name for each type (docs/detection.md explains the differences). */
export const PRESIDIO_ENTITY: Readonly<Record<PiiType, string>> = {
  EMAIL: 'EMAIL_ADDRESS',
  PHONE_NUMBER: 'PHONE_NUMBER',
  CREDIT_CARD: 'CREDIT_CARD',
  IBAN: 'IBAN_CODE',
  US_SSN: 'US_SSN',
  IP_ADDRESS: 'IP_ADDRESS',
  DATE_OF_BIRTH: 'DATE_TIME',
  STREET_ADDRESS: 'LOCATION',
  PERSON: 'PERSON',
  LOCATION: 'LOCATION',
};

/**
 * When two candidates overlap and score the same, the more specific type wins: checksummed
 * identifiers first, free-text entities last.
 */
export const TYPE_SPECIFICITY: Readonly<Record<PiiType, number>> = {
  IBAN: 10,
  CREDIT_CARD: 9,
  EMAIL: 9,
  US_SSN: 8,
  IP_ADDRESS: 8,
  PHONE_NUMBER: 7,
  DATE_OF_BIRTH: 6,
  STREET_ADDRESS: 5,
  PERSON: 4,
  LOCATION: 3,
};

export interface PiiCandidate {
  type: PiiType;
  start: number;
  end: number;
  score: number;
}

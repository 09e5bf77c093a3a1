/**
 * What every detector reports: a typed span of text with a confidence, and the detector
 * (id and version) that found it, so stored findings can be traced to the code that made them.
 */
export type FindingCategory = 'pii' | 'secret';

export interface DetectorRef {
  id: string;
  version: string;
}

export interface Finding {
  category: FindingCategory;
  /** Upper snake case, e.g. EMAIL, PHONE_NUMBER, CREDIT_CARD, AWS_ACCESS_KEY_ID (see docs/detection.md). */
  type: string;
  /** JavaScript string (UTF-16 code unit) offsets into the scanned text; `end` is exclusive. */
  start: number;
  end: number;
  /** Calibrated confidence in [0, 1]. */
  score: number;
  detector: DetectorRef;
}

/** A classifier's verdict on a whole text (injection, toxicity, refusal…). */
export interface Verdict {
  score: number;
  label: string;
  detector: DetectorRef;
}

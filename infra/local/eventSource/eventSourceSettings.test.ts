import { describe, expect, it } from 'vitest';
import { INGEST_EVENT_SOURCE } from '../../../functions/ingest/eventSourceSettings.ts';
import { computeBackoffMs } from './backoff.ts';
import { InvalidEventSourceSettingsError } from './errors.ts';
import { parseEventSourceSettings } from './eventSourceSettings.ts';
import { buildSettings } from './testing/factories.ts';

describe('parseEventSourceSettings', () => {
  it('accepts the ingest function settings', () => {
    expect(parseEventSourceSettings(INGEST_EVENT_SOURCE)).toMatchObject({ batchSize: 500 });
  });

  it.each([
    { case: 'a zero batch size', overrides: { batchSize: 0 } },
    { case: 'retry attempts below -1', overrides: { retryAttempts: -2 } },
    { case: 'a zero maximum record age', overrides: { maxRecordAgeSeconds: 0 } },
  ])('rejects $case', ({ overrides }) => {
    expect(() => parseEventSourceSettings(buildSettings(overrides))).toThrow(
      InvalidEventSourceSettingsError,
    );
  });
});

describe('computeBackoffMs', () => {
  it.each([
    { attempt: 1, random: 0, expected: 50 },
    { attempt: 1, random: 1, expected: 100 },
    { attempt: 3, random: 1, expected: 400 },
    { attempt: 40, random: 1, expected: 10_000 },
  ])(
    'waits $expected ms on attempt $attempt with jitter $random',
    ({ attempt, random, expected }) => {
      expect(computeBackoffMs(attempt, { baseMs: 100, maxMs: 10_000 }, () => random)).toBe(
        expected,
      );
    },
  );
});

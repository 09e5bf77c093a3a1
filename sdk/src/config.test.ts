/**
 * SDK configuration from SIGHTLINE_* variables: required ones named when missing, numbers and
 * booleans parsed with their bounds, options winning over the environment.
 */
import { describe, expect, it } from 'vitest';
import { configFromEnv, SightlineConfigError } from './config.ts';

const required = {
  SIGHTLINE_PROJECT_ID: 'acme',
  SIGHTLINE_INGEST_KEY_ID: 'ik_1',
  SIGHTLINE_INGEST_KEY: 'secret',
};

describe('configFromEnv', () => {
  it('reads sampling, queue bounds, flush interval and content capture from the environment', () => {
    const config = configFromEnv({
      ...required,
      SIGHTLINE_SAMPLE_RATE: '0.25',
      SIGHTLINE_MAX_QUEUE_ITEMS: '500',
      SIGHTLINE_MAX_QUEUE_BYTES: '1048576',
      SIGHTLINE_FLUSH_INTERVAL_MS: '250',
      SIGHTLINE_CAPTURE_CONTENT: 'false',
    });

    expect(config).toMatchObject({
      projectId: 'acme',
      sampleRate: 0.25,
      maxQueueItems: 500,
      maxQueueBytes: 1_048_576,
      flushIntervalMs: 250,
      captureContent: false,
    });
  });

  it('lets options win over the environment', () => {
    const config = configFromEnv(
      { ...required, SIGHTLINE_SAMPLE_RATE: 'not a number', SIGHTLINE_CAPTURE_CONTENT: 'maybe' },
      { sampleRate: 1, captureContent: true },
    );

    expect(config).toMatchObject({ sampleRate: 1, captureContent: true });
  });

  it.each([
    [{ SIGHTLINE_PROJECT_ID: undefined }, /SIGHTLINE_PROJECT_ID/],
    [{ SIGHTLINE_SAMPLE_RATE: '1.5' }, /sampleRate .* from 0 to 1, got "1.5"/],
    [{ SIGHTLINE_SAMPLE_RATE: 'half' }, /sampleRate/],
    [{ SIGHTLINE_MAX_QUEUE_ITEMS: '0' }, /maxQueueItems/],
    [{ SIGHTLINE_FLUSH_INTERVAL_MS: '-5' }, /flushIntervalMs/],
    [{ SIGHTLINE_CAPTURE_CONTENT: 'maybe' }, /SIGHTLINE_CAPTURE_CONTENT must be true or false/],
  ])('refuses %o with a clear error', (bad, message) => {
    expect(() => configFromEnv({ ...required, ...bad })).toThrow(SightlineConfigError);
    expect(() => configFromEnv({ ...required, ...bad })).toThrow(message);
  });

  it.each([
    [
      { overflow: 'drop-random' },
      /overflow must be one of drop-oldest, drop-newest, got "drop-random"/,
    ],
    [{ exportThread: 'workers' }, /exportThread must be one of worker, main, got "workers"/],
  ])('refuses the option %o with a clear error', (bad, message) => {
    const options = bad as never;
    expect(() => configFromEnv(required, options)).toThrow(SightlineConfigError);
    expect(() => configFromEnv(required, options)).toThrow(message);
  });

  it('takes the allowed values of overflow and exportThread', () => {
    expect(
      configFromEnv(required, { overflow: 'drop-newest', exportThread: 'main' }),
    ).toMatchObject({ overflow: 'drop-newest', exportThread: 'main' });
  });
});

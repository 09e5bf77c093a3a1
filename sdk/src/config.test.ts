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

  it('refuses a missing required variable with a clear error', () => {
    const env = { ...required, SIGHTLINE_PROJECT_ID: undefined };
    expect(() => configFromEnv(env)).toThrow(SightlineConfigError);
    expect(() => configFromEnv(env)).toThrow(/SIGHTLINE_PROJECT_ID/);
  });

  it.each([
    ['SIGHTLINE_PROJECT_ID', 'Acme Corp'],
    ['SIGHTLINE_PROJECT_ID', 'a'],
    ['SIGHTLINE_INGEST_KEY_ID', 'ik'],
    ['SIGHTLINE_INGEST_KEY_ID', 'ik 1/2'],
  ])(
    'refuses %s %j, which every record would be refused for, with a clear error',
    (variable, value) => {
      const env = { ...required, [variable]: value };
      expect(() => configFromEnv(env)).toThrow(SightlineConfigError);
      expect(() => configFromEnv(env)).toThrow(new RegExp(`${variable}.*must be`));
    },
  );

  it.each([
    [{ SIGHTLINE_SAMPLE_RATE: '1.5' }, 'sampleRate', /sampleRate .* from 0 to 1, got "1.5"/],
    [{ SIGHTLINE_SAMPLE_RATE: 'half' }, 'sampleRate', /sampleRate/],
    [{ SIGHTLINE_SAMPLE_RATE: '50%' }, 'sampleRate', /SIGHTLINE_SAMPLE_RATE .*"50%"/],
    [{ SIGHTLINE_MAX_QUEUE_ITEMS: '0' }, 'maxQueueItems', /maxQueueItems/],
    [{ SIGHTLINE_FLUSH_INTERVAL_MS: '-5' }, 'flushIntervalMs', /flushIntervalMs/],
    [{ SIGHTLINE_FLUSH_INTERVAL_MS: '5s' }, 'flushIntervalMs', /flushIntervalMs .*"5s"/],
    [
      { SIGHTLINE_CAPTURE_CONTENT: 'maybe' },
      'captureContent',
      /SIGHTLINE_CAPTURE_CONTENT must be true or false/,
    ],
  ])('warns about %o through onError and keeps the default', (bad, key, message) => {
    // Prepare
    const errors: unknown[] = [];

    // Act
    const config = configFromEnv({ ...required, ...bad }, { onError: (e) => errors.push(e) });

    // Assess
    expect(config).not.toHaveProperty(key);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(SightlineConfigError);
    expect(String(errors[0])).toMatch(message);
  });

  it.each([
    [{ sampleRate: NaN }, 'sampleRate'],
    [{ sampleRate: '0.5' as unknown as number }, 'sampleRate'],
    [{ sampleRate: 2 }, 'sampleRate'],
    [{ flushIntervalMs: 0 }, 'flushIntervalMs'],
    [{ maxQueueItems: NaN }, 'maxQueueItems'],
    [{ maxQueueBytes: -1 }, 'maxQueueBytes'],
    [{ maxBatchItems: 0 }, 'maxBatchItems'],
  ])('warns about the option %o and keeps the default', (bad, key) => {
    // Prepare
    const errors: unknown[] = [];

    // Act
    const config = configFromEnv(required, { ...bad, onError: (e) => errors.push(e) });

    // Assess
    expect(config).not.toHaveProperty(key);
    expect(String(errors[0])).toMatch(new RegExp(`${key} must be a number`));
  });

  it('trims environment values and treats a blank one as unset', () => {
    // Prepare
    const errors: unknown[] = [];

    // Act
    const config = configFromEnv(
      {
        ...required,
        SIGHTLINE_CAPTURE_CONTENT: 'False ',
        SIGHTLINE_FLUSH_INTERVAL_MS: ' 250\n',
        SIGHTLINE_SAMPLE_RATE: ' ',
        SIGHTLINE_ENVIRONMENT: '',
      },
      { onError: (e) => errors.push(e) },
    );

    // Assess
    expect(config).toMatchObject({ captureContent: false, flushIntervalMs: 250 });
    expect(config).not.toHaveProperty('sampleRate');
    expect(config.environment).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('without onError, warns once per problem as a process warning', async () => {
    // Prepare
    const warnings: Error[] = [];
    const listen = (warning: Error) => warnings.push(warning);
    process.on('warning', listen);
    const env = { ...required, SIGHTLINE_FLUSH_INTERVAL_MS: 'every 5 seconds' };

    // Act
    try {
      configFromEnv(env);
      configFromEnv(env);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listen);
    }

    // Assess
    expect(warnings.map((warning) => warning.message)).toEqual([
      expect.stringMatching(/flushIntervalMs from SIGHTLINE_FLUSH_INTERVAL_MS .*"every 5 seconds"/),
    ]);
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

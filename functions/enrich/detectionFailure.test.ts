/**
 * A detector that throws on a text must not let that text reach storage: its slot is replaced
 * by the withheld marker, the span is stored as `partial` with the failed stage named, and
 * the other slots and spans of the batch are redacted as usual. The secrets detector is made
 * to throw on one text (it cannot be made to fail from outside), and counts what it scans;
 * everything else is real.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { SpanItemSchema, type SpanItem } from '@sightline/sdk/contract';
import { buildSpan } from '../../test/helpers/factories.ts';
import { enrichSpans, UNSCANNED_TEXT_MARKER } from './enrichSpan.ts';
import { vaultFromMasterKey } from './loadVault.ts';
import { EnrichmentPolicySchema } from './policy.ts';
import { PlaceholderRegistry } from './redactText.ts';
import { detectPii } from '../detect/pii/detectPii.ts';
import { detectSecrets } from '../detect/secrets/detectSecrets.ts';
import { detectSensitiveTexts } from './scanText.ts';

const POISON = 'this text breaks the secrets detector';
/** Every text the secrets detector was given. */
const scanned: string[] = [];

vi.mock('../detect/secrets/detectSecrets.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../detect/secrets/detectSecrets.ts')>();
  return {
    ...actual,
    detectSecrets: (text: string) => {
      scanned.push(text);
      if (text.includes(POISON)) throw new Error(`secret scan failed on ${text}`);
      return actual.detectSecrets(text);
    },
  };
});

/** Texts on which one PII recognizer, and one secret rule (the base64 key finder), fail. */
const { NAME_POISON, KEY_POISON } = vi.hoisted(() => ({
  NAME_POISON: 'this text breaks the name recognizer',
  KEY_POISON: 'this text breaks the base64 key finder',
}));

vi.mock('../detect/pii/recognizeNames.ts', async (importOriginal) => {
  const { throwingOn } = await import('../../test/helpers/throwingOn.ts');
  return throwingOn(
    await importOriginal<typeof import('../detect/pii/recognizeNames.ts')>(),
    'recognizeNames',
    NAME_POISON,
    () => new Error('name recognizer failed'),
  );
});

vi.mock('../detect/secrets/findContextualBase64Keys.ts', async (importOriginal) => {
  const { throwingOn } = await import('../../test/helpers/throwingOn.ts');
  return throwingOn(
    await importOriginal<typeof import('../detect/secrets/findContextualBase64Keys.ts')>(),
    'findContextualBase64Keys',
    KEY_POISON,
    () => new RangeError('key finder failed'),
  );
});

const vault = vaultFromMasterKey(randomBytes(32));

function llmSpan(user: string, assistant: string): SpanItem {
  return SpanItemSchema.parse({
    ...buildSpan({}),
    kind: 'llm',
    inputMessages: [{ role: 'user', parts: [{ type: 'text', content: user }] }],
    outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: assistant }] }],
  });
}

describe('a detector failing on one text', () => {
  it('withholds that slot, marks the span partial, and redacts everything else', () => {
    const context = () => ({
      policy: EnrichmentPolicySchema.parse({}),
      registry: new PlaceholderRegistry(),
      hashKey: vault.hashKeyFor('acme'),
    });
    const [broken, fine] = enrichSpans([
      {
        span: llmSpan(`mail jane@example.com, ${POISON}`, 'Reply to bob@example.org'),
        context: context(),
      },
      { span: llmSpan('mail carol@example.com', 'ok'), context: context() },
    ]);

    const input = broken!.span.inputMessages![0]!.parts[0]!;
    const output = broken!.span.outputMessages![0]!.parts[0]!;
    expect(input).toEqual({ type: 'text', content: UNSCANNED_TEXT_MARKER });
    expect(output).toEqual({ type: 'text', content: 'Reply to [EMAIL_1]' });
    expect(broken!.summary.status).toBe('partial');
    expect(broken!.errors).toEqual(['detection']);
    expect(JSON.stringify(broken)).not.toContain('jane@example.com');
    expect(fine!.summary.status).toBe('ok');
    expect(fine!.span.inputMessages![0]!.parts[0]).toEqual({
      type: 'text',
      content: 'mail [EMAIL_1]',
    });
  });

  it('answers null for that text only, and does not remember the failure', () => {
    const texts = [`${POISON} once`, 'call +1 415 555 0100', `${POISON} once`];

    const results = detectSensitiveTexts(texts);

    expect(results[0]).toBeNull();
    expect(results[2]).toBeNull();
    expect(results[1]).toEqual([expect.objectContaining({ type: 'PHONE_NUMBER' })]);
  });

  it('scans a text that recurs in the batch once', () => {
    const turn = `An earlier turn, sent again with each call (${Math.random()})`;
    const other = `The newest question (${Math.random()})`;
    scanned.length = 0;

    const results = detectSensitiveTexts([turn, turn, other, turn]);

    expect(scanned.filter((text) => text === turn)).toHaveLength(1);
    expect(scanned.filter((text) => text === other)).toHaveLength(1);
    expect(results).toEqual([[], [], [], []]);
  });

  it.each([
    ['a PII recognizer', NAME_POISON, 'name recognizer failed', detectPii],
    ['a secret rule', KEY_POISON, 'key finder failed', detectSecrets],
  ])(
    'treats %s failing as a failed detection, never as a clean text',
    (_, poison, error, detect) => {
      const text = `I am Maria Gonzalez, maria@example.com, key sk_live_51H8xYzAbCdEfGhIjKlMnOpQr; ${poison}`;
      // The detector itself throws rather than report the text as clean.
      expect(() => detect(text)).toThrow(error);
      expect(detectSensitiveTexts([text])).toEqual([null]);

      const [span] = enrichSpans([
        {
          span: llmSpan(text, 'Noted.'),
          context: {
            policy: EnrichmentPolicySchema.parse({}),
            registry: new PlaceholderRegistry(),
            hashKey: vault.hashKeyFor('acme'),
          },
        },
      ]);

      expect(span!.span.inputMessages![0]!.parts[0]).toEqual({
        type: 'text',
        content: UNSCANNED_TEXT_MARKER,
      });
      expect(span!.summary.status).toBe('partial');
      expect(span!.errors).toEqual(['detection']);
      expect(JSON.stringify(span)).not.toContain('maria@example.com');
      expect(JSON.stringify(span)).not.toContain('sk_live_');
    },
  );
});

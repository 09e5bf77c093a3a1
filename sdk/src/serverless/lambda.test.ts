/**
 * The Lambda wrapper keeps the handler's calling convention (`this`, arguments, the callback)
 * and its outcome, whatever the SDK's own part does, and flushes before the invocation ends.
 */
import { describe, expect, it } from 'vitest';
import { memoryTracer } from '../testing/memoryTransport.ts';
import { wrapLambdaHandler, type LambdaContextLike, type LambdaHandler } from './lambda.ts';

const tracer = () => memoryTracer();

const context = (overrides: Partial<LambdaContextLike> = {}): LambdaContextLike => ({
  functionName: 'orders',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 5_000,
  ...overrides,
});
const brokenClock = () =>
  context({
    getRemainingTimeInMillis: () => {
      throw new Error('no clock');
    },
  });

type Handler = LambdaHandler<unknown, LambdaContextLike, unknown>;

describe('wrapLambdaHandler', () => {
  it('passes this and every argument through unchanged', async () => {
    // Prepare
    const { sightline } = tracer();
    const seen: unknown[] = [];
    const handler = wrapLambdaHandler(
      async function (this: unknown, ...args: unknown[]) {
        seen.push(this, ...args);
        return 'done';
      } as Handler,
      { sightline },
    );
    const self = { tag: 'bound' };
    const event = { id: 1 };
    const ctx = context();
    // Act
    const result = await handler.call(self, event, ctx);
    // Assess
    expect(result).toBe('done');
    expect(seen.slice(0, 3)).toEqual([self, event, ctx]);
  });

  it.each<[string, (callback?: (error: unknown, value?: unknown) => void) => Promise<unknown>]>([
    [
      'given Lambda’s callback',
      (handler) =>
        new Promise((resolve, reject) => {
          const returned = (handler as unknown as (...args: unknown[]) => unknown)(
            {},
            context(),
            (error: unknown, value: unknown) => (error ? reject(error as Error) : resolve(value)),
          );
          expect(returned).toBeUndefined();
        }),
    ],
    [
      'called without one',
      (handler) => (handler as unknown as (...args: unknown[]) => Promise<unknown>)({}, context()),
    ],
  ])(
    'serves a callback-style handler %s, flushing before the result goes back',
    async (_label, invoke) => {
      // Prepare
      const { sightline, transport } = tracer();
      const handler = wrapLambdaHandler(
        ((
          _event: unknown,
          _context: unknown,
          callback: (error: unknown, value: unknown) => void,
        ) => {
          setTimeout(() => callback(null, 'cb-result'), 1);
        }) as Handler,
        { sightline },
      );
      // Act
      const result = await invoke(handler as never);
      // Assess
      expect(result).toBe('cb-result');
      expect(transport.flushes).toBe(1);
      expect(transport.spans().map((span) => [span.name, span.status?.code])).toEqual([
        ['orders', 'ok'],
      ]);
    },
  );

  it('passes an error given to the callback on, recorded on the span', async () => {
    const { sightline, transport } = tracer();
    const failure = new Error('handler error');
    const handler = wrapLambdaHandler(
      ((_event: unknown, _context: unknown, callback: (error: unknown) => void) => {
        callback(failure);
      }) as Handler,
      { sightline },
    );

    await expect(handler({}, context())).rejects.toBe(failure);

    expect(transport.spans()[0]?.status).toEqual({ code: 'error', message: 'handler error' });
  });

  it.each<[string, Handler, (outcome: Promise<unknown>) => Promise<unknown>]>([
    ['result', async () => 'result', (outcome) => expect(outcome).resolves.toBe('result')],
    [
      'error',
      async () => {
        throw new Error('handler error');
      },
      (outcome) => expect(outcome).rejects.toThrow('handler error'),
    ],
    [
      'synchronous throw',
      () => {
        throw new Error('sync handler error');
      },
      (outcome) => expect(outcome).rejects.toThrow('sync handler error'),
    ],
  ])('keeps the handler’s %s when the context’s clock throws', async (_label, inner, assess) => {
    // Prepare
    const { sightline, transport, errors } = tracer();
    const handler = wrapLambdaHandler(inner, { sightline });
    // Act
    const outcome = handler({}, brokenClock());
    // Assess
    await assess(outcome);
    expect(errors.map((error) => (error as Error).message)).toEqual(['no clock']);
    expect(transport.spans()).toHaveLength(1);
  });
});

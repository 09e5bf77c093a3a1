/**
 * The shared set-up of the SDK integration tests: a fake provider server started once per file,
 * and per test a fresh Sightline client over a MemoryTransport with its errors collected; the
 * default client is cleared after each test so one test's registration cannot leak into the next.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { SpanItemInput } from '../contract/index.ts';
import { setDefaultClient } from '../defaultClient.ts';
import type { Sightline } from '../Sightline.ts';
import { memoryTracer, type MemoryTransport } from './memoryTransport.ts';

export interface IntegrationTestClient<Server> {
  /** The fake server, started before the file's first test and closed after its last. */
  readonly server: Server;
  /** This test's client, writing to `transport`. */
  readonly sightline: Sightline;
  readonly transport: MemoryTransport;
  /** What this test's client reported through `onError`. */
  readonly errors: unknown[];
  /** The spans this test's client recorded, each checked against the wire contract. */
  spans(): SpanItemInput[];
}

/**
 * Registers the file's hooks and returns live accessors: read the properties inside tests (not
 * at module level, and not by destructuring) so each test sees its own client.
 */
export function useIntegrationTestClient<Server extends { close(): unknown }>(
  startServer: () => Promise<Server>,
): IntegrationTestClient<Server> {
  let server: Server | undefined;
  let current: { sightline: Sightline; transport: MemoryTransport; errors: unknown[] } | undefined;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(() => {
    current = memoryTracer();
  });
  afterEach(() => {
    setDefaultClient(undefined);
  });

  const inTest = () => {
    if (!current) throw new Error('useIntegrationTestClient: read the client inside a test');
    return current;
  };
  return {
    get server() {
      if (!server) throw new Error('useIntegrationTestClient: the server starts in beforeAll');
      return server;
    },
    get sightline() {
      return inTest().sightline;
    },
    get transport() {
      return inTest().transport;
    },
    get errors() {
      return inTest().errors;
    },
    spans: () => inTest().transport.spans(),
  };
}

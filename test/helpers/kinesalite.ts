/**
 * Test access to a real kinesalite: a server on a free loopback port, an SDK client for it
 * (built by the platform's own client factory), streams created and ACTIVE.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '../../functions/aws/awsClients.ts';
import { parseServerEnv } from '../../functions/config/env.ts';
import {
  createStreamAndWait,
  startKinesalite as startKinesaliteServer,
  type KinesaliteServer,
} from '../../infra/local/services/kinesalite.ts';

export { createStreamAndWait, type KinesaliteServer };

/** Starts kinesalite on 127.0.0.1 with a random free port; in memory unless `path` is given. */
export function startKinesalite(options: { path?: string } = {}): Promise<KinesaliteServer> {
  return startKinesaliteServer({ ...options, host: '127.0.0.1', port: 0 });
}

export function createTestKinesisClient(endpoint: string): KinesisClient {
  return createKinesisClient(
    parseServerEnv({ AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_KINESIS: endpoint }),
  );
}

let streamCounter = 0;

/** A stream name unique to this test process, so tests never share a stream. */
export function uniqueStreamName(prefix = 'test'): string {
  streamCounter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${streamCounter}`;
}

/**
 * Runs kinesalite, the local Kinesis Data Streams stand-in, on loopback, and creates streams
 * the way the platform needs them (idempotently, waiting until ACTIVE, since kinesalite —
 * like Kinesis — creates streams asynchronously). Used by the local stack launcher and tests.
 */
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { closeServer, listenOnLoopback, type LocalService } from './listenOnLoopback.ts';

export interface StartKinesaliteOptions {
  /** LevelDB directory for a stream that survives restarts; in memory when absent. */
  path?: string;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
}

export type KinesaliteServer = LocalService;

export interface CreateStreamResult {
  streamArn: string;
  /** False when the stream already existed (a persisted kinesalite keeps its streams). */
  created: boolean;
}

export class KinesaliteError extends Error {
  readonly code = 'KINESALITE_ERROR';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KinesaliteError';
  }
}

type KinesaliteFactory = (options: Record<string, unknown>) => Server;

const require = createRequire(import.meta.url);
const STREAM_POLL_INTERVAL_MS = 25;

export async function startKinesalite(
  options: StartKinesaliteOptions = {},
): Promise<KinesaliteServer> {
  const host = options.host ?? '127.0.0.1';
  const kinesalite = require('kinesalite') as KinesaliteFactory;
  const server = kinesalite({
    ...(options.path ? { path: options.path } : {}),
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: 50,
  });
  const { port } = await listenOnLoopback(server, {
    service: 'Kinesis (kinesalite)',
    host,
    port: options.port ?? 0,
  });
  return { endpoint: `http://${host}:${port}`, port, close: () => closeServer(server) };
}

/** Creates the stream unless it exists, then waits until it is ACTIVE. */
export async function createStreamAndWait(
  kinesis: KinesisClient,
  streamName: string,
  shardCount: number,
  options: { timeoutMs?: number } = {},
): Promise<CreateStreamResult> {
  let created = true;
  try {
    await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') throw error;
    created = false;
  }
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const { StreamDescriptionSummary: summary } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: streamName }),
    );
    if (summary?.StreamStatus === 'ACTIVE' && summary.StreamARN) {
      return { streamArn: summary.StreamARN, created };
    }
    if (Date.now() > deadline) {
      throw new KinesaliteError(
        `Stream ${streamName} not ACTIVE after ${options.timeoutMs ?? 10_000} ms (status ${summary?.StreamStatus})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, STREAM_POLL_INTERVAL_MS));
  }
}

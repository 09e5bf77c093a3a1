/**
 * Test access to a real kinesalite: a server on a free loopback port, an SDK client for it
 * (built by the platform's own client factory), streams created and ACTIVE.
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type KinesisClient,
  type _Record,
} from '@aws-sdk/client-kinesis';
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

/** Every record on every shard of a stream, from the trim horizon. */
export async function readStreamRecords(
  kinesis: KinesisClient,
  streamName: string,
): Promise<_Record[]> {
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  const records: _Record[] = [];
  for (const shard of Shards) {
    let { ShardIterator: iterator } = await kinesis.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    while (iterator) {
      const page = await kinesis.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: 1_000 }),
      );
      records.push(...(page.Records ?? []));
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}

import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointStore } from './checkpointStore.ts';
import { CheckpointFileError } from './errors.ts';
import { createTemporaryDirectory } from './testing/factories.ts';
import type { StreamIdentity } from './types.ts';

const identity: StreamIdentity = {
  streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/spans',
  streamCreationTimestamp: '2026-01-01T00:00:00.000Z',
};
const SHARD = 'shardId-000000000000';
const LOWER = '49590338271490256608559692538361571095921575989136588898';
const HIGHER = '49590338271490256608559692538361571095921575989136588899';

let directory: Awaited<ReturnType<typeof createTemporaryDirectory>>;
let path: string;

beforeEach(async () => {
  directory = await createTemporaryDirectory();
  path = join(directory.path, 'nested', 'checkpoints.json');
});

afterEach(async () => {
  await directory.remove();
});

describe('CheckpointStore', () => {
  it('persists checkpoints that a new store loads, leaving no temporary file', async () => {
    // Prepare
    const store = new CheckpointStore(path);
    await store.load(identity);

    // Act
    await store.advance(SHARD, LOWER);
    await store.markShardEnded('shardId-000000000001');
    const reloaded = new CheckpointStore(path);
    const result = await reloaded.load(identity);

    // Assess
    expect(result.discardedStaleCheckpoints).toBe(false);
    expect(reloaded.get(SHARD)).toEqual({ sequenceNumber: LOWER });
    expect(reloaded.get('shardId-000000000001')).toEqual({ shardEnded: true });
    expect(await readdir(join(directory.path, 'nested'))).toEqual(['checkpoints.json']);
  });

  it('never moves a checkpoint backwards', async () => {
    // Prepare
    const store = new CheckpointStore(path);
    await store.load(identity);
    await store.advance(SHARD, HIGHER);

    // Act
    await store.advance(SHARD, LOWER);

    // Assess
    expect(store.get(SHARD)?.sequenceNumber).toBe(HIGHER);
  });

  it('keeps the last write when many are issued at once', async () => {
    // Prepare
    const store = new CheckpointStore(path);
    await store.load(identity);
    const base = BigInt(LOWER);

    // Act
    await Promise.all(
      Array.from({ length: 20 }, (_, index) => store.advance(SHARD, String(base + BigInt(index)))),
    );

    // Assess
    const file = JSON.parse(await readFile(path, 'utf8')) as { shards: Record<string, unknown> };
    expect(file.shards[SHARD]).toEqual({ sequenceNumber: String(base + 19n) });
  });

  it('sets aside checkpoints of an earlier stream with the same name', async () => {
    // Prepare
    const store = new CheckpointStore(path);
    await store.load(identity);
    await store.advance(SHARD, LOWER);
    const recreated = { ...identity, streamCreationTimestamp: '2026-02-01T00:00:00.000Z' };

    // Act
    const reloaded = new CheckpointStore(path);
    const result = await reloaded.load(recreated);

    // Assess
    expect(result.discardedStaleCheckpoints).toBe(true);
    expect(reloaded.get(SHARD)).toBeUndefined();
  });

  describe.each([
    { case: 'not JSON', content: '{"version":' },
    { case: 'malformed', content: JSON.stringify({ version: 1, shards: { [SHARD]: 1 } }) },
    {
      case: 'for another stream',
      content: JSON.stringify({
        ...identity,
        streamArn: 'arn:aws:kinesis:us-east-1:0:stream/other',
        version: 1,
        updatedAt: '',
        shards: {},
      }),
    },
  ])('when the file is $case', ({ content }) => {
    it('refuses to load it rather than replay or skip', async () => {
      // Prepare
      const store = new CheckpointStore(path);
      await store.load(identity);
      await store.persist();
      await writeFile(path, content);

      // Act
      const loading = new CheckpointStore(path).load(identity);

      // Assess
      await expect(loading).rejects.toBeInstanceOf(CheckpointFileError);
    });
  });
});

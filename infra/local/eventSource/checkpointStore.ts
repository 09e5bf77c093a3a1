/**
 * Owns the runner's checkpoints: per shard, the last sequence number fully processed and
 * whether the shard was read to its end. Kept in one JSON file, rewritten atomically (temp
 * file, fsync, rename) so a crash mid-write leaves the previous checkpoint, never a torn one.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { CHECKPOINT_FILE_VERSION } from './constants.ts';
import { CheckpointFileError } from './errors.ts';
import { compareSequenceNumbers, isSequenceNumber } from './sequenceNumbers.ts';
import type { ShardCheckpoint, StreamIdentity } from './types.ts';

const CheckpointFileSchema = z.object({
  version: z.literal(CHECKPOINT_FILE_VERSION),
  streamArn: z.string(),
  streamCreationTimestamp: z.string(),
  updatedAt: z.string(),
  shards: z.record(
    z.string(),
    z.object({
      sequenceNumber: z.string().refine(isSequenceNumber, 'not a sequence number').optional(),
      shardEnded: z.boolean().optional(),
    }),
  ),
});

type CheckpointFile = z.infer<typeof CheckpointFileSchema>;

export interface CheckpointLoadResult {
  /** True when the file belonged to an earlier incarnation of the stream and was set aside. */
  discardedStaleCheckpoints: boolean;
}

export class CheckpointStore {
  readonly path: string;
  private identity: StreamIdentity | undefined;
  private shards = new Map<string, ShardCheckpoint>();
  private writeChain: Promise<void> = Promise.resolve();
  private queuedWrite: Promise<void> | undefined;

  constructor(path: string) {
    this.path = path;
  }

  /**
   * Reads the file if it exists. A file for another stream, or one that cannot be parsed,
   * is an error: starting anyway would replay or skip records.
   */
  async load(identity: StreamIdentity): Promise<CheckpointLoadResult> {
    this.identity = identity;
    this.shards.clear();
    const file = await this.readFile();
    if (!file) return { discardedStaleCheckpoints: false };
    if (file.streamArn !== identity.streamArn) {
      throw new CheckpointFileError(
        this.path,
        `holds checkpoints of ${file.streamArn}, not of ${identity.streamArn}`,
      );
    }
    // Same ARN, other creation time: the stream was deleted and recreated (e.g. an in-memory
    // kinesalite restarted), so the old sequence numbers mean nothing in it.
    if (file.streamCreationTimestamp !== identity.streamCreationTimestamp) {
      return { discardedStaleCheckpoints: true };
    }
    for (const [shardId, checkpoint] of Object.entries(file.shards)) {
      this.shards.set(shardId, { ...checkpoint });
    }
    return { discardedStaleCheckpoints: false };
  }

  get(shardId: string): ShardCheckpoint | undefined {
    const checkpoint = this.shards.get(shardId);
    return checkpoint ? { ...checkpoint } : undefined;
  }

  /** Moves the shard's checkpoint forward to `sequenceNumber` (never back) and persists it. */
  advance(shardId: string, sequenceNumber: string): Promise<void> {
    const current = this.shards.get(shardId);
    if (
      current?.sequenceNumber !== undefined &&
      compareSequenceNumbers(sequenceNumber, current.sequenceNumber) <= 0
    ) {
      return Promise.resolve();
    }
    this.shards.set(shardId, { ...current, sequenceNumber });
    return this.persist();
  }

  markShardEnded(shardId: string): Promise<void> {
    this.shards.set(shardId, { ...this.shards.get(shardId), shardEnded: true });
    return this.persist();
  }

  /** Writes the current state; resolves once it (and every earlier write) is on disk. */
  persist(): Promise<void> {
    // A write that has not started yet will pick up the latest state: join it.
    if (this.queuedWrite) return this.queuedWrite;
    const write = this.writeChain.then(() => {
      this.queuedWrite = undefined;
      return this.writeFile();
    });
    this.queuedWrite = write;
    this.writeChain = write.catch(() => undefined);
    return write;
  }

  private async readFile(): Promise<CheckpointFile | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CheckpointFileError(this.path, 'cannot be read', { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new CheckpointFileError(this.path, 'is not valid JSON', { cause: error });
    }
    const parsed = CheckpointFileSchema.safeParse(json);
    if (!parsed.success) {
      throw new CheckpointFileError(this.path, `is malformed: ${parsed.error.message}`);
    }
    return parsed.data;
  }

  private async writeFile(): Promise<void> {
    if (!this.identity) throw new CheckpointFileError(this.path, 'written before load()');
    const content: CheckpointFile = {
      version: CHECKPOINT_FILE_VERSION,
      streamArn: this.identity.streamArn,
      streamCreationTimestamp: this.identity.streamCreationTimestamp,
      updatedAt: new Date().toISOString(),
      shards: Object.fromEntries([...this.shards].sort(([a], [b]) => a.localeCompare(b))),
    };
    const temporaryPath = `${this.path}.${process.pid}.${randomUUID()}.tmp`;
    await mkdir(dirname(this.path), { recursive: true });
    try {
      const handle = await open(temporaryPath, 'w');
      try {
        await handle.writeFile(`${JSON.stringify(content, null, 2)}\n`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporaryPath, this.path);
    } catch (error) {
      await rm(temporaryPath, { force: true });
      throw error;
    }
  }
}

/**
 * Builds the record sent to the on-failure destination for records the runner gives up on,
 * shaped like Lambda's on-failure invocation record for a Kinesis event source.
 */
import { randomUUID } from 'node:crypto';
import type { KinesisStreamRecord } from 'aws-lambda';
import type { FailureCondition, KinesisOnFailureRecord } from './types.ts';

export interface OnFailureRecordInput {
  records: readonly KinesisStreamRecord[];
  shardId: string;
  streamArn: string;
  functionArn: string;
  condition: FailureCondition;
  approximateInvokeCount: number;
  lastError?: Error;
  functionError?: boolean;
  now?: Date;
}

export function buildOnFailureRecord(input: OnFailureRecordInput): KinesisOnFailureRecord {
  const first = input.records[0];
  const last = input.records.at(-1);
  if (!first || !last) throw new RangeError('An on-failure record needs at least one record');
  return {
    requestContext: {
      requestId: randomUUID(),
      functionArn: input.functionArn,
      condition: input.condition,
      approximateInvokeCount: input.approximateInvokeCount,
    },
    ...(input.approximateInvokeCount > 0
      ? {
          responseContext: {
            statusCode: 200,
            executedVersion: '$LATEST',
            ...(input.functionError ? { functionError: 'Unhandled' as const } : {}),
          },
        }
      : {}),
    version: '1.0',
    timestamp: (input.now ?? new Date()).toISOString(),
    KinesisBatchInfo: {
      shardId: input.shardId,
      startSequenceNumber: first.kinesis.sequenceNumber,
      endSequenceNumber: last.kinesis.sequenceNumber,
      approximateArrivalOfFirstRecord: arrivalIso(first),
      approximateArrivalOfLastRecord: arrivalIso(last),
      batchSize: input.records.length,
      streamArn: input.streamArn,
    },
    ...(input.lastError
      ? { errorContext: { errorType: input.lastError.name, errorMessage: input.lastError.message } }
      : {}),
  };
}

function arrivalIso(record: KinesisStreamRecord): string {
  return new Date(record.kinesis.approximateArrivalTimestamp * 1000).toISOString();
}

/**
 * Turns records read with GetRecords into the records of a Lambda `KinesisStreamEvent`, field
 * for field as the event source mapping builds them.
 */
import type { _Record as KinesisRecord } from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';
import { KINESIS_EVENT_RECORD } from './constants.ts';

export interface EventRecordSource {
  shardId: string;
  streamArn: string;
  awsRegion: string;
  invokeIdentityArn: string;
}

export function toKinesisStreamRecord(
  record: KinesisRecord,
  source: EventRecordSource,
): KinesisStreamRecord {
  const sequenceNumber = record.SequenceNumber ?? '';
  const arrival = record.ApproximateArrivalTimestamp ?? new Date();
  return {
    kinesis: {
      kinesisSchemaVersion: KINESIS_EVENT_RECORD.kinesisSchemaVersion,
      partitionKey: record.PartitionKey ?? '',
      sequenceNumber,
      data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
      // Lambda sends epoch seconds with a fractional part, not milliseconds.
      approximateArrivalTimestamp: arrival.getTime() / 1000,
    },
    eventSource: KINESIS_EVENT_RECORD.eventSource,
    eventVersion: KINESIS_EVENT_RECORD.eventVersion,
    eventID: `${source.shardId}:${sequenceNumber}`,
    eventName: KINESIS_EVENT_RECORD.eventName,
    invokeIdentityArn: source.invokeIdentityArn,
    awsRegion: source.awsRegion,
    eventSourceARN: source.streamArn,
  };
}

/** Size of the record in the invocation payload, to cut batches at Lambda's payload limit. */
export function eventRecordSizeBytes(record: KinesisStreamRecord): number {
  return Buffer.byteLength(JSON.stringify(record)) + 1;
}

/** Milliseconds since the record reached the stream. */
export function recordAgeMs(record: KinesisStreamRecord, now: number = Date.now()): number {
  return now - record.kinesis.approximateArrivalTimestamp * 1000;
}

/** The parts of an ARN the runner derives others from (region, account). */
export function parseArn(arn: string): { region: string; accountId: string } {
  const [, , , region = '', accountId = ''] = arn.split(':');
  return { region, accountId };
}

/**
 * Decodes what the SDK put on a stream: gunzip when compressed, split the envelope, parse items.
 */
import { gunzipSync } from 'node:zlib';
import { ItemSchema, splitRecord, type Item } from '../../sdk/src/contract/index.ts';

export function decodeRecordItems(data: Uint8Array): Item[] {
  const buffer = Buffer.from(data);
  const body = buffer[0] === 0x1f ? gunzipSync(buffer) : buffer;
  const parts = splitRecord(body);
  if (!parts) throw new Error('not a Sightline record');
  return (JSON.parse(parts.itemsBytes.toString()) as unknown[]).map((item) =>
    ItemSchema.parse(item),
  );
}

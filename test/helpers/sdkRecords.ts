/**
 * Decodes what the SDK put on a stream: the header line, then the items (gunzipped when
 * compressed), parsed. Records of contract v1, compressed as a whole, are read too.
 */
import { gunzipSync } from 'node:zlib';
import { ItemSchema, isGzip, splitRecord, type Item } from '../../sdk/src/contract/index.ts';

export function decodeRecordItems(data: Uint8Array): Item[] {
  const buffer = Buffer.from(data);
  const parts = splitRecord(isGzip(buffer) ? gunzipSync(buffer) : buffer);
  if (!parts) throw new Error('not a Sightline record');
  const items = isGzip(parts.itemsBytes) ? gunzipSync(parts.itemsBytes) : parts.itemsBytes;
  return (JSON.parse(items.toString()) as unknown[]).map((item) => ItemSchema.parse(item));
}

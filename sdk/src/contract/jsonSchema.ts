/**
 * Renders the wire contract as JSON Schema (draft 2020-12) for producers in other languages.
 */
import { z } from 'zod';
import { EnvelopeSchema } from './envelope.ts';
import { WIRE_CONTRACT_VERSION } from './limits.ts';

export function wireContractJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(EnvelopeSchema, { io: 'input', unrepresentable: 'any' });
  return {
    ...schema,
    $id: `https://sightline.dev/schema/wire-contract-v${WIRE_CONTRACT_VERSION}.json`,
    title: `Sightline wire contract v${WIRE_CONTRACT_VERSION}`,
    description:
      'A Kinesis record is `<header JSON>\\n<items bytes>`: the items bytes are the items JSON ' +
      'array, optionally gzip-compressed (the header line never is). This schema describes the ' +
      'logical envelope: the header fields plus `items`. The `sig` field is hex ' +
      'HMAC-SHA256(ingest key secret, "sightline.v2\\n" + projectId + "\\n" + keyId + "\\n" + ' +
      'items bytes as sent, compressed when they are). Version 1 (the whole record compressed, ' +
      'the uncompressed items signed with "sightline.v1") is still accepted. See ' +
      'docs/wire-contract.md.',
  };
}

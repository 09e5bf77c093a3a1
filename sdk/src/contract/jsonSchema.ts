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
      'A Kinesis record is `<header JSON>\\n<items JSON array>`, optionally gzip-compressed. ' +
      'This schema describes the logical envelope: the header fields plus `items`. The `sig` ' +
      'field is hex HMAC-SHA256(ingest key secret, "sightline.v1\\n" + projectId + "\\n" + ' +
      'keyId + "\\n" + items bytes). See docs/wire-contract.md.',
  };
}

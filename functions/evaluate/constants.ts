/** Names and versions of the deterministic evaluators, as stored with every score. */
import { REFUSAL_MODEL_VERSION } from './refusal/refusalModelVersion.ts';
import { TOXICITY_MODEL_VERSION } from './toxicity/toxicityModelVersion.ts';

export const EVALUATORS = {
  jsonValid: { name: 'json_valid', version: '1' },
  jsonSchemaConformance: { name: 'json_schema', version: '1' },
  refusal: { name: 'refusal', version: REFUSAL_MODEL_VERSION },
  emptyOutput: { name: 'empty_output', version: '1' },
  truncatedOutput: { name: 'truncated_output', version: '1' },
  languageMismatch: { name: 'language_mismatch', version: '1' },
  repetitionLoop: { name: 'repetition_loop', version: '1' },
  toxicityInput: { name: 'toxicity_input', version: TOXICITY_MODEL_VERSION },
  toxicityOutput: { name: 'toxicity_output', version: TOXICITY_MODEL_VERSION },
  /** One score per rule, named `assertion:<rule name>`. */
  assertion: { name: 'assertion', version: '1' },
  piiInOutput: { name: 'pii_in_output', version: '1' },
  secretsInOutput: { name: 'secrets_in_output', version: '1' },
} as const;

/** Metadata key under which a call declares the JSON Schema its output must follow. */
export const OUTPUT_SCHEMA_METADATA_KEY = 'sightline.output_schema';
/** Metadata keys that may declare a JSON response format (OpenAI's `response_format.type`). */
export const RESPONSE_FORMAT_METADATA_KEYS = [
  'sightline.response_format',
  'response_format',
  'gen_ai.openai.request.response_format',
] as const;
export const JSON_RESPONSE_FORMATS = ['json', 'json_object', 'json_schema'] as const;

/**
 * `json_schema`: does the output conform to the JSON Schema the call declared? A call
 * declares its schema as a JSON string in the metadata entry `sightline.output_schema`
 * (the SDK's metadata values are strings of up to 4,096 characters). Schemas are compiled
 * with Ajv once and cached; `pattern` keywords run on RE2 like assertion rules (safeRegex.ts),
 * in time linear in the text, so no schema can stall validation. A malformed schema, or a
 * pattern RE2 cannot run, gives an error score (`passed: null`), never an exception.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { SpanItem } from '../../sdk/src/contract/items.ts';
import { EVALUATORS, OUTPUT_SCHEMA_METADATA_KEY } from './constants.ts';
import { parseJsonOutput } from './jsonValid.ts';
import { compileSafeRegex, type SafeRegex } from './safeRegex.ts';
import { metadataString, readSpanTexts, type SpanTexts } from './spanText.ts';
import type { EvalScore } from './types.ts';

const MAX_SCHEMA_CHARS = 65_536;
const MAX_CACHED_SCHEMAS = 256;

/**
 * Ajv's `code.regExp`: every `pattern` runs on RE2 (linear time). Ajv keys compiled patterns
 * by the returned object's `toString()`, which is `/pattern/flags`: a key shared by every
 * pattern made one span's pattern answer for every other's.
 */
function safeRegExp(pattern: string, flags: string): SafeRegex {
  return compileSafeRegex(pattern, flags);
}
safeRegExp.code = 'safeRegExp';

function createAjv(): Ajv {
  return new Ajv({
    strict: false,
    allErrors: false,
    validateFormats: false,
    code: { regExp: safeRegExp },
  });
}
// A compile that throws part-way can leave Ajv's shared scope inconsistent (seen: a later
// schema then accepted everything), so the instance is replaced after every failed compile.
let ajv = createAjv();

const MAX_SCHEMA_DEPTH = 64;

/** Checks every `pattern` and `patternProperties` key before Ajv sees the schema. */
function checkSchemaPatterns(node: unknown, depth = 0): void {
  if (depth > MAX_SCHEMA_DEPTH) throw new Error(`schema nested deeper than ${MAX_SCHEMA_DEPTH}`);
  if (Array.isArray(node)) {
    for (const item of node) checkSchemaPatterns(item, depth + 1);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'pattern' && typeof value === 'string') compileSafeRegex(value, 'u');
    if (key === 'patternProperties' && typeof value === 'object' && value !== null) {
      for (const property of Object.keys(value)) compileSafeRegex(property, 'u');
    }
    checkSchemaPatterns(value, depth + 1);
  }
}

type CompiledSchema = { ok: true; validate: ValidateFunction } | { ok: false; reason: string };
const compiled = new Map<string, CompiledSchema>();

function compileSchema(source: string): CompiledSchema {
  const cached = compiled.get(source);
  if (cached !== undefined) return cached;
  let result: CompiledSchema;
  if (source.length > MAX_SCHEMA_CHARS) {
    result = { ok: false, reason: `schema longer than ${MAX_SCHEMA_CHARS} characters` };
  } else {
    try {
      const schema = JSON.parse(source) as unknown;
      if (typeof schema !== 'object' && typeof schema !== 'boolean') {
        throw new Error('a JSON Schema must be an object or a boolean');
      }
      checkSchemaPatterns(schema);
      result = { ok: true, validate: ajv.compile(schema as object) };
    } catch (error) {
      ajv = createAjv();
      result = { ok: false, reason: `invalid schema: ${(error as Error).message.slice(0, 200)}` };
    }
  }
  if (compiled.size >= MAX_CACHED_SCHEMAS) {
    const oldest = compiled.keys().next().value;
    if (oldest !== undefined) compiled.delete(oldest);
  }
  compiled.set(source, result);
  return result;
}

export function jsonSchemaConformance(
  span: SpanItem,
  texts: SpanTexts = readSpanTexts(span),
): EvalScore | null {
  const source = metadataString(span, OUTPUT_SCHEMA_METADATA_KEY);
  if (source === undefined || texts.output === undefined) return null;
  if (texts.output.trim() === '' && texts.outputHasToolCalls) return null;
  const { name, version } = EVALUATORS.jsonSchemaConformance;
  const schema = compileSchema(source);
  if (!schema.ok) {
    return {
      evaluator: name,
      version,
      value: 0,
      passed: null,
      label: 'error',
      comment: schema.reason,
    };
  }
  if (texts.producerTruncated) {
    return {
      evaluator: name,
      version,
      value: 0,
      passed: null,
      label: 'unknown',
      comment: 'the producer truncated the output; it cannot be validated',
    };
  }
  const parsed = parseJsonOutput(texts);
  if (!parsed.ok) {
    return {
      evaluator: name,
      version,
      value: 0,
      passed: false,
      label: 'not_json',
      comment: parsed.reason,
    };
  }
  let valid: boolean;
  try {
    valid = schema.validate(parsed.value) === true;
  } catch (error) {
    // A schema whose validation throws (e.g. an unsafe pattern met at run time) is the
    // schema's fault, not the output's.
    return {
      evaluator: name,
      version,
      value: 0,
      passed: null,
      label: 'error',
      comment: `validation failed: ${(error as Error).message.slice(0, 200)}`,
    };
  }
  if (valid) return { evaluator: name, version, value: 1, passed: true, label: 'conforms' };
  const errors = (schema.validate.errors ?? [])
    .slice(0, 3)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
    .join('; ');
  return { evaluator: name, version, value: 0, passed: false, label: 'violates', comment: errors };
}

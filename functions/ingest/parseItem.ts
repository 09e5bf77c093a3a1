/**
 * Validates one wire item. The zod contract (`ItemSchema`) is the definition and gives every
 * rejection its message; a span is first checked by an Ajv validator compiled from that same
 * schema's JSON Schema, which on the bench's spans takes ~2.5 µs where zod's parse takes
 * 10–20 and copies the whole span.
 *
 * The fast path only ever accepts, and only what zod accepts with the same result:
 * - every object but the records (metadata, prompt variables) is closed
 *   (`additionalProperties: false`), so a span with a key zod would strip goes to zod, and
 *   an accepted span is zod's output as it stands, with the schema's defaults filled in place;
 * - string lengths are counted in UTF-16 units, which is never fewer than zod's count of code
 *   points: a string within a maximum in units is within it in code points, and one over it
 *   goes to zod (every minimum is 1, where both counts agree; a test holds that);
 * - non-finite numbers (JSON's `1e999`) are refused, as zod refuses them;
 * - the contract's refinements, which JSON Schema cannot express, run as the same predicates
 *   zod runs (`SPAN_REFINEMENTS`; a test fails if the schema gains one they do not cover).
 * Anything else, and every score, is parsed by zod. One difference is left on purpose: an
 * accepted span keeps the producer's key order (zod rebuilds objects in the schema's order),
 * which shows only in the key order of the JSON columns stored from it.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { z } from 'zod';
import {
  ItemSchema,
  SPAN_REFINEMENTS,
  SpanItemSchema,
  type Item,
  type SpanItem,
} from '@sightline/sdk/contract';

type JsonSchema = { [key: string]: unknown };

/** Whether every branch of a `oneOf` is an object told apart by a constant `type`. */
function isTaggedUnion(branches: unknown): boolean {
  return (
    Array.isArray(branches) &&
    branches.every((branch: JsonSchema) => {
      const tag = (branch.properties as JsonSchema | undefined)?.type as JsonSchema | undefined;
      return typeof tag?.const === 'string' && (branch.required as unknown[]).includes('type');
    })
  );
}

/**
 * The schema with every object that lists its properties closed to other keys, and records
 * refusing a `__proto__` key: JSON.parse makes it an own key, which zod's record parse turns
 * into a prototype assignment, so only zod may decide what becomes of it. A discriminated
 * union (message parts) is marked as one, so Ajv checks the one branch its `type` names, as
 * zod does, instead of trying each and collecting the others' errors.
 */
function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== 'object') return schema;
  const source = schema as JsonSchema;
  const closed: JsonSchema = {};
  for (const [key, value] of Object.entries(source)) {
    closed[key] =
      key === 'properties'
        ? Object.fromEntries(
            Object.entries(value as JsonSchema).map(([name, field]) => [name, closeObjects(field)]),
          )
        : closeObjects(value);
  }
  if (source.type === 'object' && source.properties !== undefined) {
    closed.additionalProperties = false;
  }
  if (isTaggedUnion(source.oneOf)) {
    // Ajv's discriminator passes anything that is not an object: the union must say it too.
    closed.type = 'object';
    closed.discriminator = { propertyName: 'type' };
  }
  if (source.type === 'object' && source.propertyNames !== undefined) {
    closed.propertyNames = { allOf: [closed.propertyNames, { not: { const: '__proto__' } }] };
  }
  return closed;
}

/** The span schema as JSON Schema, closed; exported for the test that reads it. */
export function fastSpanJsonSchema(): JsonSchema {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(SpanItemSchema, {
    io: 'input',
    unrepresentable: 'throw',
  });
  return closeObjects(schema) as JsonSchema;
}

/** `null` once compiling failed: every span then goes to zod. */
let validateSpan: ValidateFunction | null | undefined;

/**
 * Compiled on first use (~130 ms, once per process), not at import; the ingest function makes
 * that first use while Lambda initialises it (warmUp.ts). Should compiling ever fail (a
 * contract change Ajv cannot take), spans are parsed by zod alone, slower but the same, and a
 * process warning says why.
 */
function spanValidator(): ValidateFunction | null {
  if (validateSpan !== undefined) return validateSpan;
  try {
    validateSpan = new Ajv({
      // Every strict check throws, so a schema Ajv would read loosely is refused outright.
      strict: true,
      // `unicode: false` makes min/maxLength count `.length` (see above) instead of walking
      // every string. Ajv marks the option deprecated and still honours it; that one notice
      // is dropped, any other warning makes the compile fail.
      unicode: false,
      logger: {
        log: () => undefined,
        warn: (...args: unknown[]) => {
          if (!String(args[0]).includes('option unicode')) throw new Error(String(args[0]));
        },
        error: (...args: unknown[]) => {
          throw new Error(String(args[0]));
        },
      },
      strictNumbers: true,
      useDefaults: true,
      discriminator: true,
      allErrors: false,
    }).compile(fastSpanJsonSchema());
  } catch (error) {
    validateSpan = null;
    process.emitWarning(
      `the span validator could not be compiled, so zod parses every span: ${(error as Error).message}`,
      'SightlineWarning',
    );
  }
  return validateSpan;
}

function isSpanCandidate(raw: unknown): raw is { type: 'span' } {
  return (
    raw !== null &&
    typeof raw === 'object' &&
    !Array.isArray(raw) &&
    (raw as { type?: unknown }).type === 'span'
  );
}

/** Like `ItemSchema.safeParse(raw)`, with a fast path for spans; `raw` may be filled in. */
export function parseItem(raw: unknown): z.ZodSafeParseResult<Item> {
  if (isSpanCandidate(raw) && spanValidator()?.(raw) === true) {
    const span = raw as SpanItem;
    if (SPAN_REFINEMENTS.every((refinement) => refinement.holds(span))) {
      return { success: true, data: span };
    }
  }
  return ItemSchema.safeParse(raw);
}

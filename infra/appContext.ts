/**
 * Reads the CDK context infra/app.ts takes. `-c key=value` gives a string, cdk.json and
 * cdk.context.json may give any JSON value: a boolean is taken as either, anything else is
 * refused by name rather than ignored.
 */

/** A boolean context value (`true`/`false`, or the strings), or undefined when unset. */
export function booleanContext(key: string, value: unknown): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`the CDK context ${key} must be true or false, not ${JSON.stringify(value)}`);
}

/**
 * Summarises validation issues for dead letters and logs: paths and messages only, never the
 * offending values, which may hold personal data. Nor the producer's own keys: a metadata
 * key, a prompt-variable name or a tool-argument key is free text too ("patient jane@…"), so
 * a path shows only the contract's field names and array indices, and `[key]` for any
 * other key.
 */
import { z } from 'zod';
import { EnvelopeHeaderSchema, ItemSchema } from '@sightline/sdk/contract';
import { MAX_DEAD_LETTER_DETAIL_CHARS } from './constants.ts';

let contractKeys: ReadonlySet<string> | undefined;

/** Every property name the wire contract defines (items and the envelope header). */
function contractFieldNames(): ReadonlySet<string> {
  if (contractKeys !== undefined) return contractKeys;
  const names = new Set<string>();
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const entry of node) collect(entry);
    } else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'properties' && value !== null && typeof value === 'object') {
          for (const name of Object.keys(value)) names.add(name);
        }
        collect(value);
      }
    }
  };
  for (const schema of [ItemSchema, EnvelopeHeaderSchema]) {
    collect(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }));
  }
  contractKeys = names;
  return names;
}

function pathSegment(segment: PropertyKey): string {
  if (typeof segment === 'number') return String(segment);
  return typeof segment === 'string' && contractFieldNames().has(segment) ? segment : '[key]';
}

export function describeIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string {
  const text = issues
    .slice(0, 20)
    .map(
      (issue) => `${prefix}${issue.path.map(pathSegment).join('.') || '(root)'}: ${issue.message}`,
    )
    .join('; ');
  const more = issues.length > 20 ? `; and ${issues.length - 20} more` : '';
  return (text + more).slice(0, MAX_DEAD_LETTER_DETAIL_CHARS);
}

/**
 * Which project a page shows: `?project=` when given (validated as the wire contract
 * validates project ids), otherwise the configured default.
 */
import { ProjectIdSchema } from '@sightline/sdk/contract';
import { serverEnv } from '../../../functions/config/env.ts';
import { InvalidRequestError } from './errors.ts';

/** A page's resolved `searchParams`. */
export type SearchParams = Record<string, string | string[] | undefined>;

export function firstParam(params: SearchParams, name: string): string | undefined {
  const value = params[name];
  return Array.isArray(value) ? value[0] : value;
}

export function resolveProjectId(params: SearchParams): string {
  const requested = firstParam(params, 'project');
  if (requested === undefined || requested === '') return serverEnv().SIGHTLINE_DEFAULT_PROJECT_ID;
  if (!ProjectIdSchema.safeParse(requested).success) {
    throw new InvalidRequestError(
      'The project id in the URL is not valid: it must be 2-63 characters of a-z, 0-9, "-" or "_".',
    );
  }
  return requested;
}

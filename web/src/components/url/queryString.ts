/**
 * Page URL state: reading a page's `searchParams` into the plain values the shared zod query
 * schemas parse, and building links that change some of them while keeping the rest, so
 * every filter lives in the URL and a link reproduces the view.
 */
import type { z } from 'zod';
import { InvalidRequestError } from '../../server/errors.ts';

/** A page's resolved `searchParams`. */
export type PageSearchParams = Record<string, string | string[] | undefined>;

/** Query values without empty strings (an empty form field means "no filter"). */
export function queryValues(params: PageSearchParams): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) {
      const kept = value.filter((item) => item !== '');
      if (kept.length === 1) values[key] = kept[0]!;
      else if (kept.length > 1) values[key] = kept;
    } else if (value !== undefined && value !== '') {
      values[key] = value;
    }
  }
  return values;
}

/** Parses a page's URL state with an API operation's query schema; a readable error otherwise. */
export function parsePageQuery<S extends z.ZodType>(
  schema: S,
  params: PageSearchParams,
): z.infer<S> {
  const parsed = schema.safeParse(queryValues(params));
  if (parsed.success) return parsed.data;
  const reasons = parsed.error.issues
    .slice(0, 10)
    .map((issue) => `${issue.path.join('.') || 'query'}: ${issue.message}`);
  throw new InvalidRequestError(`The filters in the URL are not valid — ${reasons.join('; ')}`);
}

/** One or many values of a query key as a list. */
export function valueList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export type QueryChanges = Record<string, string | readonly string[] | null | undefined>;

/**
 * `pathname?query` with `changes` applied to `current`: a string or list sets a key, null or
 * undefined (or an empty string) removes it. Keys keep a stable order so links compare equal.
 */
export function hrefWith(
  pathname: string,
  current: PageSearchParams | Record<string, string | string[]>,
  changes: QueryChanges = {},
): string {
  const merged = new Map<string, string[]>();
  for (const [key, value] of Object.entries(current)) {
    const list = valueList(value as string | string[] | undefined).filter((item) => item !== '');
    if (list.length > 0) merged.set(key, list);
  }
  for (const [key, value] of Object.entries(changes)) {
    const list =
      value === null || value === undefined ? [] : typeof value === 'string' ? [value] : [...value];
    const kept = list.filter((item) => item !== '');
    if (kept.length > 0) merged.set(key, kept);
    else merged.delete(key);
  }
  const search = new URLSearchParams();
  for (const key of [...merged.keys()].sort()) {
    for (const item of merged.get(key)!) search.append(key, item);
  }
  const text = search.toString();
  return text ? `${pathname}?${text}` : pathname;
}

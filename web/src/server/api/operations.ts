/**
 * What an `/api/v1` operation is: its method and OpenAPI path, the permission it needs, and
 * the zod schemas of its query, body and response. Route handlers are built from operations
 * by apiRoute, and the OpenAPI document is generated from the same operations, so the
 * documentation cannot drift from what the server checks.
 */
import { z } from 'zod';
import type { Permission } from '../access/permissions.ts';
import { API_ERROR_STATUS, type ApiErrorCode } from './apiErrors.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export const EmptyQuerySchema = z.object({});
export const NoBodySchema = z.undefined();

export interface ApiOperation<
  Q extends z.ZodType = typeof EmptyQuerySchema,
  B extends z.ZodType = typeof NoBodySchema,
> {
  /** Stable operationId, camelCase (`listTraces`). */
  id: string;
  method: HttpMethod;
  /** OpenAPI path, e.g. `/api/v1/projects/{projectId}/traces`. */
  path: string;
  summary: string;
  description?: string;
  /** OpenAPI tag grouping (`Traces`, `Metrics`, `Admin`, …). */
  tag?: string;
  /**
   * The permission needed on the path's `{projectId}`; `null` for operations outside a project
   * (e.g. `/api/v1/me`), which still need an authenticated principal.
   */
  permission: Permission | null;
  /**
   * Whether a session signed in with a temporary password may call it: only reading
   * `/api/v1/me` and setting a new password may; everything else answers 403
   * PASSWORD_CHANGE_REQUIRED.
   */
  allowedWhilePasswordChangeRequired?: boolean;
  /**
   * The path's parameters other than `{projectId}` as a z.object of strings. Ids reach
   * DynamoDB keys, so each is checked as the app makes them (an over-long one is a 400, not a
   * DynamoDB ValidationException and a 500).
   */
  params?: z.ZodObject;
  /**
   * Query parameters as a z.object. Values arrive as strings (a repeated parameter as an array
   * of strings): use z.coerce for numbers and `queryList` for lists.
   */
  query?: Q;
  body?: B;
  response: z.ZodType;
  /** Status of a successful response (200 unless given). */
  successStatus?: number;
}

/** Declares an operation, keeping its schemas' types for the handler. */
export function defineOperation<
  Q extends z.ZodType = typeof EmptyQuerySchema,
  B extends z.ZodType = typeof NoBodySchema,
>(operation: ApiOperation<Q, B>): ApiOperation<Q, B> {
  return operation;
}

/** A query parameter that may be given once (`?model=a`) or repeated (`?model=a&model=b`). */
export function queryList<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value) => (value === undefined || Array.isArray(value) ? value : [value]),
    z.array(item),
  );
}

/** Reads URL search parameters into a plain object: one value → string, repeated → string[]. */
export function searchParamsToObject(params: URLSearchParams): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    result[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return result;
}

/** The JSON error body every `/api/v1` failure returns. */
export const ApiErrorBodySchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(API_ERROR_STATUS) as [ApiErrorCode, ...ApiErrorCode[]]),
    message: z.string(),
    issues: z
      .array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() }))
      .optional(),
  }),
});

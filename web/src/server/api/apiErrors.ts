/**
 * The errors an `/api/v1` handler may throw, each with a stable code and HTTP status, and the
 * mapping from any error to the JSON body `{ error: { code, message, issues? } }`.
 */
import { ConfigurationError } from '../../../../functions/config/env.ts';
import { InvalidRequestError, StoreUnavailableError } from '../errors.ts';

export const API_ERROR_STATUS = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  /** A session signed in with a temporary password, which must set a new one first. */
  PASSWORD_CHANGE_REQUIRED: 403,
  NOT_FOUND: 404,
  INVALID_REQUEST: 400,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  STORE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

export interface ApiIssue {
  path: Array<string | number>;
  message: string;
}

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly issues: ApiIssue[] | undefined;

  constructor(code: ApiErrorCode, message: string, issues?: ApiIssue[]) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = API_ERROR_STATUS[code];
    this.issues = issues;
  }
}

/** Error codes other modules raise that mean "the request is wrong" (e.g. a bad cursor). */
const CLIENT_ERROR_CODES = new Set(['INVALID_REQUEST', 'INVALID_CURSOR']);

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof StoreUnavailableError) {
    return new ApiError('STORE_UNAVAILABLE', 'The trace store is unavailable; retry later.');
  }
  if (error instanceof InvalidRequestError) return new ApiError('INVALID_REQUEST', error.message);
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error && typeof code === 'string' && CLIENT_ERROR_CODES.has(code)) {
    return new ApiError('INVALID_REQUEST', error.message);
  }
  if (error instanceof ConfigurationError) {
    return new ApiError('INTERNAL', 'The server is not configured correctly.');
  }
  return new ApiError('INTERNAL', 'Internal error.');
}

export function apiErrorResponse(error: ApiError, headers?: HeadersInit): Response {
  const body = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.issues ? { issues: error.issues } : {}),
    },
  };
  return Response.json(body, { status: error.status, headers });
}

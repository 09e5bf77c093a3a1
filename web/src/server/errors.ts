/**
 * Errors the web app's server code raises for conditions a page shows as a panel rather than
 * a crash, and the mapping from any such error to what the panel says.
 */
import { ConfigurationError } from '../../../functions/config/env.ts';

export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

export class InvalidRequestError extends Error {
  readonly code = 'INVALID_REQUEST';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRequestError';
  }
}

export interface PageProblem {
  title: string;
  message: string;
  hint?: string;
}

/** What to tell the user about an error a page can survive; undefined for anything else. */
export function pageProblemFor(error: unknown): PageProblem | undefined {
  if (error instanceof StoreUnavailableError) {
    return {
      title: 'ClickHouse is unreachable',
      message: error.message,
      hint: 'Check that the local stack (npm start) or your ClickHouse server is running and that migrations have been applied. This page retries on refresh.',
    };
  }
  if (error instanceof ConfigurationError) {
    return { title: 'The web app is not configured', message: error.message };
  }
  if (error instanceof InvalidRequestError) {
    return { title: 'Invalid request', message: error.message };
  }
  return undefined;
}

/**
 * Errors the web app's server code raises for conditions a page shows as a panel rather than
 * a crash, and the mapping from any such error to what the panel says.
 */
import { ConfigurationError } from '../../../functions/config/env.ts';

/** A read the store could not answer, known by its code only (storeFailureCode), never its text. */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  readonly failureCode: string;
  constructor(failureCode: string) {
    super(`The trace store could not answer (${failureCode}).`);
    this.name = 'StoreUnavailableError';
    this.failureCode = failureCode;
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
  // Members see a fixed sentence and the code: not the store's address or its error text,
  // which can quote the query (a person's search text). Operators find the code in the log.
  if (error instanceof StoreUnavailableError) {
    return {
      title: 'The trace store is unavailable',
      message: `The data could not be read (error ${error.failureCode}).`,
      hint: 'This page retries on refresh. If it keeps failing, give your administrator the error code.',
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

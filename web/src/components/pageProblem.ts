/**
 * What an explore page shows instead of its content when a read fails for a reason the user
 * can act on: the app's page problems, plus the API errors the shared reads raise (a refused
 * permission, an invalid request). Anything else is a crash for the error boundary.
 */
import { ApiError } from '../server/api/apiErrors.ts';
import { pageProblemFor, type PageProblem } from '../server/errors.ts';

export function explorePageProblem(error: unknown): PageProblem | undefined {
  const problem = pageProblemFor(error);
  if (problem) return problem;
  if (error instanceof ApiError && error.status < 500) {
    return {
      title: error.code === 'FORBIDDEN' ? 'Not allowed' : 'Invalid request',
      message: error.message,
    };
  }
  return undefined;
}

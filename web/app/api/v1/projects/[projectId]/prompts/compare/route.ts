/** `GET /api/v1/projects/{projectId}/prompts/compare?name=&a=&b=`: two versions side by side. */
import { apiRoute } from '../../../../../../../src/server/api/apiRoute.ts';
import { comparePromptVersionsOperation } from '../../../../../../../src/features/prompts/api/operations.ts';
import { readPromptComparison } from '../../../../../../../src/features/prompts/server/promptReads.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(comparePromptVersionsOperation, ({ access, query }) =>
  readPromptComparison(access.projectId, query),
);

/** `GET /api/v1/projects/{projectId}/prompts`: metrics per prompt version. */
import { apiRoute } from '../../../../../../src/server/api/apiRoute.ts';
import { listPromptVersionsOperation } from '../../../../../../src/features/prompts/api/operations.ts';
import { readPromptVersions } from '../../../../../../src/features/prompts/server/promptReads.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(listPromptVersionsOperation, ({ access, query }) =>
  readPromptVersions(access.projectId, query),
);

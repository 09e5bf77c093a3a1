/** /api/v1/projects/{projectId}/api-tokens: list and create API tokens. */
import { apiRoute } from '../../../../../../src/server/api/apiRoute.ts';
import { controlPlane } from '../../../../../../src/server/controlPlane.ts';
import {
  createApiTokenOperation,
  listApiTokensOperation,
} from '../../../../../../src/features/settings/api/operations.ts';
import {
  createApiToken,
  listApiTokens,
} from '../../../../../../src/features/settings/server/projectCredentials.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(listApiTokensOperation, async ({ access }) => ({
  tokens: await listApiTokens(controlPlane(), access.projectId),
}));

export const POST = apiRoute(createApiTokenOperation, async ({ access, body }) =>
  createApiToken(controlPlane(), access, body),
);

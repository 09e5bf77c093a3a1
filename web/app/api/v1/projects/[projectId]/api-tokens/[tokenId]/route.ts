/** /api/v1/projects/{projectId}/api-tokens/{tokenId}: revoke an API token. */
import { apiRoute } from '../../../../../../../src/server/api/apiRoute.ts';
import { controlPlane } from '../../../../../../../src/server/controlPlane.ts';
import { revokeApiTokenOperation } from '../../../../../../../src/features/settings/api/operations.ts';
import { revokeApiToken } from '../../../../../../../src/features/settings/server/projectCredentials.ts';

export const dynamic = 'force-dynamic';

export const DELETE = apiRoute(revokeApiTokenOperation, async ({ access, params }) => {
  await revokeApiToken(controlPlane(), access.projectId, params.tokenId ?? '');
  return null;
});

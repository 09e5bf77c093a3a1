/** /api/v1/projects/{projectId}/ingest-keys/{keyId}: revoke an ingest key. */
import { apiRoute } from '../../../../../../../src/server/api/apiRoute.ts';
import { controlPlane } from '../../../../../../../src/server/controlPlane.ts';
import { revokeIngestKeyOperation } from '../../../../../../../src/features/settings/api/operations.ts';
import { revokeIngestKey } from '../../../../../../../src/features/settings/server/projectCredentials.ts';

export const dynamic = 'force-dynamic';

export const DELETE = apiRoute(revokeIngestKeyOperation, async ({ access, params }) => {
  await revokeIngestKey(controlPlane(), access.projectId, params.keyId ?? '');
  return null;
});

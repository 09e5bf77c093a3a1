/** /api/v1/projects/{projectId}/ingest-keys: list and create ingest keys. */
import { apiRoute } from '../../../../../../src/server/api/apiRoute.ts';
import { controlPlane } from '../../../../../../src/server/controlPlane.ts';
import {
  createIngestKeyOperation,
  listIngestKeysOperation,
} from '../../../../../../src/features/settings/api/operations.ts';
import {
  createIngestKey,
  listIngestKeys,
} from '../../../../../../src/features/settings/server/projectCredentials.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(listIngestKeysOperation, async ({ access }) => ({
  keys: await listIngestKeys(controlPlane(), access.projectId),
}));

export const POST = apiRoute(createIngestKeyOperation, async ({ access }) =>
  createIngestKey(controlPlane(), access.projectId),
);

/** /api/v1/projects/{projectId}/ingest-keys/{keyId}/rotate: replace a key with a new one. */
import { apiRoute } from '../../../../../../../../src/server/api/apiRoute.ts';
import { controlPlane } from '../../../../../../../../src/server/controlPlane.ts';
import { rotateIngestKeyOperation } from '../../../../../../../../src/features/settings/api/operations.ts';
import { rotateIngestKey } from '../../../../../../../../src/features/settings/server/projectCredentials.ts';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(rotateIngestKeyOperation, async ({ access, params }) =>
  rotateIngestKey(controlPlane(), access.projectId, params.keyId ?? ''),
);

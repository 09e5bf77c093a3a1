/**
 * /api/v1/openapi.json: the OpenAPI 3.1 document of every `/api/v1` operation, generated from
 * the same zod schemas the routes validate with. Served without authentication: it describes
 * the API's shape, which is open source anyway, and holds no data.
 */
import { buildOpenApiDocument } from '../../../../src/server/api/openApiDocument.ts';
import { OPERATIONS } from '../../../../src/server/api/operationIndex.ts';
import { refuseDisallowedHost } from '../../../../src/server/allowedHost.ts';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const refused = refuseDisallowedHost(request);
  if (refused) return refused;
  return Response.json(buildOpenApiDocument(OPERATIONS), {
    headers: { 'cache-control': 'no-store' },
  });
}

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestControlPlane } from '../../../../test/helpers/controlPlane.ts';
import { PERMISSIONS } from '../access/permissions.ts';
// The routes read the environment when first called, after beforeAll points it at dynalite.
import * as apiToken from '../../../app/api/v1/projects/[projectId]/api-tokens/[tokenId]/route.ts';
import * as key from '../../../app/api/v1/projects/[projectId]/ingest-keys/[keyId]/route.ts';
import * as rotate from '../../../app/api/v1/projects/[projectId]/ingest-keys/[keyId]/rotate/route.ts';
import * as member from '../../../app/api/v1/projects/[projectId]/members/[userId]/route.ts';

const ORIGIN = 'http://127.0.0.1:3000';
const PROJECT_ID = 'path-ids';
/** Longer than a DynamoDB sort key may be (1,024 bytes): once a ValidationException and a 500. */
const OVERLONG_ID = 'a'.repeat(1_100);

type Handler = (
  request: Request,
  context: { params: Promise<Record<string, string>> },
) => Promise<Response>;

describe('apiRoute path ids, through the settings routes (dynalite control plane)', () => {
  let controlPlane: Awaited<ReturnType<typeof startTestControlPlane>>;
  let token: string;
  let routes: Record<string, { method: string; handler: Handler; path: string; param: string }>;

  beforeAll(async () => {
    controlPlane = await startTestControlPlane();
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', controlPlane.env.AWS_ENDPOINT_URL_DYNAMODB);
    await controlPlane.memberships.putMembership(PROJECT_ID, 'admin-user', 'admin');
    ({ token } = await controlPlane.apiTokens.createToken({
      projectId: PROJECT_ID,
      name: 'admin',
      scopes: [...PERMISSIONS],
      createdBy: 'admin-user',
      expiresAt: new Date(Date.now() + 86_400_000),
    }));
    routes = {
      updateMember: { method: 'PATCH', handler: member.PATCH, path: 'members', param: 'userId' },
      removeMember: { method: 'DELETE', handler: member.DELETE, path: 'members', param: 'userId' },
      revokeIngestKey: {
        method: 'DELETE',
        handler: key.DELETE,
        path: 'ingest-keys',
        param: 'keyId',
      },
      rotateIngestKey: {
        method: 'POST',
        handler: rotate.POST,
        path: 'ingest-keys',
        param: 'keyId',
      },
      revokeApiToken: {
        method: 'DELETE',
        handler: apiToken.DELETE,
        path: 'api-tokens',
        param: 'tokenId',
      },
    };
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await controlPlane.close();
  });

  function call(operation: string, id: string): Promise<Response> {
    const route = routes[operation]!;
    const body = route.method === 'PATCH' ? JSON.stringify({ role: 'viewer' }) : undefined;
    const request = new Request(
      `${ORIGIN}/api/v1/projects/${PROJECT_ID}/${route.path}/${encodeURIComponent(id)}`,
      {
        method: route.method,
        headers: {
          host: '127.0.0.1:3000',
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body,
      },
    );
    return route.handler(request, {
      params: Promise.resolve({ projectId: PROJECT_ID, [route.param]: id }),
    });
  }

  const operations = [
    'updateMember',
    'removeMember',
    'revokeIngestKey',
    'rotateIngestKey',
    'revokeApiToken',
  ];

  it.each(operations)(
    '%s answers an over-long id with 400 naming the path id',
    async (operation) => {
      const response = await call(operation, OVERLONG_ID);

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: {
          code: 'INVALID_REQUEST',
          message: 'The request is not valid.',
          issues: [{ path: ['path', routes[operation]!.param], message: expect.any(String) }],
        },
      });
    },
  );

  it.each(operations)('%s answers a well-formed unknown id with 404', async (operation) => {
    const response = await call(operation, 'abcdefABCDEF0123456789ab');

    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe('NOT_FOUND');
  });
});

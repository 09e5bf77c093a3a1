import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane } from '../../../../../test/helpers/controlPlane.ts';
import type { Permission } from '../../../server/access/permissions.ts';
import type { ProjectAccess } from '../../../server/access/requireAccess.ts';
import { createApiToken, listApiTokens, revokeApiToken } from './projectCredentials.ts';

const DAY_MS = 86_400_000;

describe('API tokens on a dynalite control plane', () => {
  let plane: Awaited<ReturnType<typeof startTestControlPlane>>;
  let projectCounter = 0;

  beforeAll(async () => {
    plane = await startTestControlPlane();
  });

  afterAll(async () => {
    await plane.close();
  });

  /**
   * A project of its own and an admin's access to it, as a session or as a token the admin
   * created (stored, as the API verifies it).
   */
  function accessFixture() {
    projectCounter += 1;
    const projectId = `tokens-${projectCounter}`;
    const principal = { userId: `admin-${projectCounter}` };
    const session: ProjectAccess = {
      principal: { kind: 'user', ...principal },
      projectId,
      role: 'admin',
    };
    const token = async (scopes: Permission[], expiresInMs: number): Promise<ProjectAccess> => {
      const { item } = await plane.apiTokens.createToken({
        projectId,
        name: 'parent',
        scopes,
        createdBy: principal.userId,
        expiresAt: new Date(Date.now() + expiresInMs),
      });
      return {
        principal: {
          kind: 'api_token',
          ...principal,
          tokenId: item.tokenId,
          tokenExpiresAt: item.expiresAt,
        },
        projectId,
        role: 'admin',
        scopes,
      };
    };
    return { projectId, session, token };
  }

  it('gives a session the expiry it asks for', async () => {
    const { session } = accessFixture();

    const created = await createApiToken(plane, session, {
      name: 'ci',
      scopes: ['traces:read'],
      expiresInDays: 365,
    });

    const days = (Date.parse(created.apiToken.expiresAt) - Date.now()) / DAY_MS;
    expect(days).toBeGreaterThan(364.9);
  });

  it('caps a token minted by a token at the parent token’s expiry', async () => {
    const { token } = accessFixture();
    const parent = await token(['api_tokens:manage', 'traces:read_content'], DAY_MS);

    const created = await createApiToken(plane, parent, {
      name: 'child',
      scopes: ['traces:read_content'],
      expiresInDays: 365,
    });

    const stored = await plane.apiTokens.getToken(created.apiToken.tokenId);
    expect(created.apiToken.expiresAt).toBe(parent.principal.tokenExpiresAt);
    expect(stored?.expiresAt).toBe(parent.principal.tokenExpiresAt);
  });

  it('keeps a shorter expiry a token asks for', async () => {
    const { token } = accessFixture();

    const created = await createApiToken(
      plane,
      await token(['api_tokens:manage', 'traces:read'], 30 * DAY_MS),
      {
        name: 'child',
        scopes: ['traces:read'],
        expiresInDays: 1,
      },
    );

    const days = (Date.parse(created.apiToken.expiresAt) - Date.now()) / DAY_MS;
    expect(days).toBeGreaterThan(0.99);
    expect(days).toBeLessThanOrEqual(1);
  });

  it('refuses a token minting scopes beyond its own', async () => {
    const { projectId, token } = accessFixture();

    const parent = await token(['api_tokens:manage'], DAY_MS);

    const creating = createApiToken(plane, parent, {
      name: 'child',
      scopes: ['traces:read_content'],
      expiresInDays: 1,
    });

    await expect(creating).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await listApiTokens(plane, projectId)).map((t) => t.tokenId)).toEqual([
      parent.principal.tokenId,
    ]);
  });

  it('shows which token minted a token, and revoking the minter revokes what it minted', async () => {
    const { projectId, session, token } = accessFixture();
    const parent = await token(['api_tokens:manage', 'traces:read'], DAY_MS);
    const { apiToken: child } = await createApiToken(plane, parent, {
      name: 'child',
      scopes: ['api_tokens:manage', 'traces:read'],
      expiresInDays: 1,
    });
    const childAccess: ProjectAccess = {
      ...parent,
      principal: { ...parent.principal, tokenId: child.tokenId },
    };
    const { apiToken: grandchild } = await createApiToken(plane, childAccess, {
      name: 'grandchild',
      scopes: ['traces:read'],
      expiresInDays: 1,
    });
    const bySession = await createApiToken(plane, session, {
      name: 'unrelated',
      scopes: ['traces:read'],
      expiresInDays: 1,
    });

    await revokeApiToken(plane, projectId, parent.principal.tokenId ?? '');

    const listed = new Map((await listApiTokens(plane, projectId)).map((t) => [t.tokenId, t]));
    expect(listed.get(child.tokenId)).toMatchObject({
      parentTokenId: parent.principal.tokenId,
      status: 'revoked',
    });
    expect(listed.get(grandchild.tokenId)).toMatchObject({
      parentTokenId: child.tokenId,
      status: 'revoked',
    });
    expect(listed.get(bySession.apiToken.tokenId)?.status).toBe('active');
    expect(listed.get(bySession.apiToken.tokenId)).not.toHaveProperty('parentTokenId');
  });

  it('refuses minting with a token revoked after the request was let in', async () => {
    const { projectId, token } = accessFixture();
    const parent = await token(['api_tokens:manage', 'traces:read'], DAY_MS);
    await revokeApiToken(plane, projectId, parent.principal.tokenId ?? '');

    const creating = createApiToken(plane, parent, {
      name: 'child',
      scopes: ['traces:read'],
      expiresInDays: 1,
    });

    await expect(creating).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const listed = await listApiTokens(plane, projectId);
    expect(listed.filter((t) => t.status === 'active')).toEqual([]);
  });
});

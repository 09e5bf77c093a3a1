import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane } from '../../../../../test/helpers/controlPlane.ts';
import type { Permission } from '../../../server/access/permissions.ts';
import type { ProjectAccess } from '../../../server/access/requireAccess.ts';
import { createApiToken } from './projectCredentials.ts';

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

  /** A project of its own and an admin's access to it, as a session or as a token. */
  function accessFixture() {
    projectCounter += 1;
    const projectId = `tokens-${projectCounter}`;
    const principal = { userId: `admin-${projectCounter}` };
    const session: ProjectAccess = {
      principal: { kind: 'user', ...principal },
      projectId,
      role: 'admin',
    };
    const token = (scopes: Permission[], expiresInMs: number): ProjectAccess => ({
      principal: {
        kind: 'api_token',
        ...principal,
        tokenId: 'parenttoken0001',
        tokenExpiresAt: new Date(Date.now() + expiresInMs).toISOString(),
      },
      projectId,
      role: 'admin',
      scopes,
    });
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
    const parent = token(['api_tokens:manage', 'traces:read_content'], DAY_MS);

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
      token(['api_tokens:manage', 'traces:read'], 30 * DAY_MS),
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

    const creating = createApiToken(plane, token(['api_tokens:manage'], DAY_MS), {
      name: 'child',
      scopes: ['traces:read_content'],
      expiresInDays: 1,
    });

    await expect(creating).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await plane.apiTokens.listProjectTokens(projectId)).toEqual([]);
  });
});

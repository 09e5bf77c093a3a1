import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane } from '../../../../../test/helpers/controlPlane.ts';
import { createPasswordUser, findUserByEmail } from '../../../../../functions/control/authUsers.ts';
import type { Permission, Role } from '../../../server/access/permissions.ts';
import type { ProjectAccess } from '../../../server/access/requireAccess.ts';
import { addMember, updateMemberRole } from './projectMembers.ts';

describe('project members on a dynalite control plane', () => {
  let plane: Awaited<ReturnType<typeof startTestControlPlane>>;
  let projectCounter = 0;

  beforeAll(async () => {
    plane = await startTestControlPlane();
  });

  afterAll(async () => {
    await plane.close();
  });

  /** A project of its own with an admin, and that admin's access as a session or a token. */
  async function projectFixture() {
    projectCounter += 1;
    const projectId = `members-${projectCounter}`;
    const admin = await createPasswordUser(plane.authRecords, {
      email: `admin-${projectCounter}@sightline.test`,
      password: 'correct horse battery staple',
    });
    await plane.memberships.putMembership(projectId, admin.id, 'admin');
    const session: ProjectAccess = {
      principal: { kind: 'user', userId: admin.id, email: admin.email },
      projectId,
      role: 'admin',
    };
    const token = (scopes: Permission[]): ProjectAccess => ({
      principal: {
        kind: 'api_token',
        userId: admin.id,
        tokenId: 'membertoken0001',
        tokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      },
      projectId,
      role: 'admin',
      scopes,
    });
    const existingUser = (name: string) =>
      createPasswordUser(plane.authRecords, {
        email: `${name}-${projectCounter}@sightline.test`,
        password: 'another long password',
      });
    return { projectId, session, token, existingUser };
  }

  it('gives a session admin a new account’s one-time password', async () => {
    const { session, projectId } = await projectFixture();

    const added = await addMember(plane, session, {
      email: `new-${projectCounter}@sightline.test`,
      role: 'engineer',
    });

    expect(added.temporaryPassword).toEqual(expect.any(String));
    expect(added.member.role).toBe('engineer');
    expect((await plane.memberships.getMembership(projectId, added.member.userId))?.role).toBe(
      'engineer',
    );
  });

  it('refuses an API token creating an account, and creates none', async () => {
    const { token } = await projectFixture();
    const email = `by-token-${projectCounter}@sightline.test`;

    const adding = addMember(
      plane,
      token(['members:manage', 'metrics:read', 'traces:read', 'traces:read_content']),
      { email, role: 'engineer' },
    );

    await expect(adding).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('cannot create accounts'),
    });
    expect(await findUserByEmail(plane.authRecords, email)).toBeUndefined();
  });

  it.each<[Role, Permission[]]>([
    ['admin', ['members:manage']],
    ['engineer', ['members:manage', 'metrics:read', 'traces:read']],
    ['viewer', ['members:manage']],
  ])(
    'refuses granting %s to a token with scopes %j (adding and changing a role)',
    async (role, scopes) => {
      const { token, projectId, existingUser } = await projectFixture();
      const outsider = await existingUser('outsider');
      const member = await existingUser('member');
      await plane.memberships.putMembership(projectId, member.id, 'viewer');

      const adding = addMember(plane, token(scopes), { email: outsider.email, role });
      const promoting = updateMemberRole(plane, token(scopes), { userId: member.id, role });

      await expect(adding).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(promoting).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect(await plane.memberships.getMembership(projectId, outsider.id)).toBeUndefined();
      expect((await plane.memberships.getMembership(projectId, member.id))?.role).toBe('viewer');
    },
  );

  it('lets a token grant an existing person a role within its scopes, with no password', async () => {
    const { token, projectId, existingUser } = await projectFixture();
    const person = await existingUser('reader');

    const added = await addMember(plane, token(['members:manage', 'metrics:read', 'traces:read']), {
      email: person.email,
      role: 'viewer',
    });

    expect(added).not.toHaveProperty('temporaryPassword');
    expect((await plane.memberships.getMembership(projectId, person.id))?.role).toBe('viewer');
  });
});

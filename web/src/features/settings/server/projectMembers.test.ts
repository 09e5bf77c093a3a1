import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane } from '../../../../../test/helpers/controlPlane.ts';
import { verifyPassword } from 'better-auth/crypto';
import {
  createPasswordUser,
  findTemporaryPasswordIssuedAt,
  findUserByEmail,
} from '../../../../../functions/control/authUsers.ts';
import type { Permission, Role } from '../../../server/access/permissions.ts';
import type { ProjectAccess } from '../../../server/access/requireAccess.ts';
import { addMember, removeMember, updateMemberRole } from './projectMembers.ts';

/** Rounds of each race; the unconditional writes lost every admin in every round measured. */
const RACE_ROUNDS = 10;

interface AdminPair {
  plane: Awaited<ReturnType<typeof startTestControlPlane>>;
  projectId: string;
  first: { id: string; email: string; access: ProjectAccess };
  second: { id: string; email: string; access: ProjectAccess };
}

/** Two admins acting on each other (or themselves) at the same moment. */
const ADMIN_RACES: Array<[string, (pair: AdminPair) => [Promise<unknown>, Promise<unknown>]]> = [
  [
    'demote each other',
    ({ plane, first, second }) => [
      updateMemberRole(plane, first.access, { userId: second.id, role: 'engineer' }),
      updateMemberRole(plane, second.access, { userId: first.id, role: 'viewer' }),
    ],
  ],
  [
    'remove each other',
    ({ plane, projectId, first, second }) => [
      removeMember(plane, { projectId, userId: second.id }),
      removeMember(plane, { projectId, userId: first.id }),
    ],
  ],
  [
    're-add each other with a lower role',
    ({ plane, first, second }) => [
      addMember(plane, first.access, { email: second.email, role: 'auditor' }),
      addMember(plane, second.access, { email: first.email, role: 'oncall' }),
    ],
  ],
  [
    'one demotes while the other removes',
    ({ plane, projectId, first, second }) => [
      updateMemberRole(plane, first.access, { userId: second.id, role: 'viewer' }),
      removeMember(plane, { projectId, userId: first.id }),
    ],
  ],
  [
    'each step down',
    ({ plane, first, second }) => [
      updateMemberRole(plane, first.access, { userId: first.id, role: 'engineer' }),
      updateMemberRole(plane, second.access, { userId: second.id, role: 'engineer' }),
    ],
  ],
];

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

  it.each(ADMIN_RACES)(
    'keeps an admin when the two admins %s at the same moment: one wins, one gets CONFLICT',
    async (_race, race) => {
      const { existingUser } = await projectFixture();
      const [first, second] = [await existingUser('first'), await existingUser('second')];
      for (let round = 0; round < RACE_ROUNDS; round += 1) {
        projectCounter += 1;
        const projectId = `members-race-${projectCounter}`;
        const adminOf = async (user: { id: string; email: string }) => {
          await plane.memberships.putMembership(projectId, user.id, 'admin');
          const access: ProjectAccess = {
            principal: { kind: 'user', userId: user.id, email: user.email },
            projectId,
            role: 'admin',
          };
          return { id: user.id, email: user.email, access };
        };
        const pair = {
          plane,
          projectId,
          first: await adminOf(first),
          second: await adminOf(second),
        };

        const outcomes = await Promise.allSettled(race(pair));

        const admins = (await plane.memberships.listProjectMembers(projectId)).filter(
          (member) => member.role === 'admin',
        );
        expect(admins).toHaveLength(1);
        expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
        const refused = outcomes.find((outcome) => outcome.status === 'rejected');
        expect(refused?.reason).toMatchObject({
          code: 'CONFLICT',
          message: expect.stringContaining('at least one admin'),
        });
      }
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

  /** The stored password hash of a user, and whether `password` matches it. */
  async function passwordMatches(userId: string, password: string): Promise<boolean> {
    const [account] = await plane.authRecords.find('account', [
      { field: 'userId', value: userId, operator: 'eq', connector: 'AND' },
    ]);
    const stored = await plane.authRecords.get('account', String(account?.id));
    return verifyPassword({ hash: String(stored?.password), password });
  }

  async function sessionCount(userId: string): Promise<number> {
    const sessions = await plane.authRecords.find('session', [
      { field: 'userId', value: userId, operator: 'eq', connector: 'AND' },
    ]);
    return sessions.length;
  }

  async function openSession(userId: string): Promise<void> {
    const now = new Date();
    await plane.authRecords.create('session', {
      id: `session-${userId}-${now.getTime()}`,
      token: `token-${userId}-${now.getTime()}`,
      userId,
      expiresAt: new Date(now.getTime() + 86_400_000).toISOString(),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
  }

  it('issues a new temporary password when an account still under one is added again', async () => {
    const { session } = await projectFixture();
    const email = `late-${projectCounter}@sightline.test`;
    const first = await addMember(plane, session, { email, role: 'engineer' });
    const firstIssuedAt = await findTemporaryPasswordIssuedAt(
      plane.authRecords,
      first.member.userId,
    );
    await openSession(first.member.userId);

    const again = await addMember(plane, session, { email, role: 'engineer' });

    expect(again.member.userId).toBe(first.member.userId);
    expect(again.temporaryPassword).toEqual(expect.any(String));
    expect(again.temporaryPassword).not.toBe(first.temporaryPassword);
    expect(await passwordMatches(first.member.userId, again.temporaryPassword!)).toBe(true);
    expect(await passwordMatches(first.member.userId, first.temporaryPassword!)).toBe(false);
    const issuedAt = await findTemporaryPasswordIssuedAt(plane.authRecords, first.member.userId);
    expect(issuedAt).toEqual(expect.any(String));
    expect(issuedAt! >= firstIssuedAt!).toBe(true);
    // A session opened with the old temporary password ends with it.
    expect(await sessionCount(first.member.userId)).toBe(0);
  });

  it('issues none for an account that belongs to another project too, or by an API token', async () => {
    const { session, token } = await projectFixture();
    const email = `shared-${projectCounter}@sightline.test`;
    const first = await addMember(plane, session, { email, role: 'viewer' });
    const byToken = await addMember(
      plane,
      token(['members:manage', 'metrics:read', 'traces:read']),
      {
        email,
        role: 'viewer',
      },
    );
    expect(byToken).not.toHaveProperty('temporaryPassword');

    const other = await projectFixture();
    const elsewhere = await addMember(plane, other.session, { email, role: 'viewer' });
    const back = await addMember(plane, session, { email, role: 'viewer' });

    expect(elsewhere).not.toHaveProperty('temporaryPassword');
    expect(back).not.toHaveProperty('temporaryPassword');
    expect(await passwordMatches(first.member.userId, first.temporaryPassword!)).toBe(true);
  });

  it('issues none for an account whose person set their own password', async () => {
    const { session, existingUser } = await projectFixture();
    const person = await existingUser('own-password');
    await openSession(person.id);

    const added = await addMember(plane, session, { email: person.email, role: 'viewer' });

    expect(added).not.toHaveProperty('temporaryPassword');
    expect(await passwordMatches(person.id, 'another long password')).toBe(true);
    expect(await sessionCount(person.id)).toBe(1);
  });
});

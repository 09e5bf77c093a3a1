import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startTestControlPlane } from '../../test/helpers/controlPlane.ts';
import { LastAdminError } from './errors.ts';
import { MembershipsRepository } from './membershipsRepository.ts';

const TTL_MS = 5_000;
/** Rounds of the concurrent-demotion race; unconditional writes lost both admins in every one. */
const RACE_ROUNDS = 10;

// One dynalite for the file; each test works in projects of its own.
let controlPlane: Awaited<ReturnType<typeof startTestControlPlane>>;
let documents: DynamoDBDocumentClient;
let table: string;
let projectCounter = 0;

beforeAll(async () => {
  controlPlane = await startTestControlPlane();
  documents = controlPlane.documents;
  table = controlPlane.env.SIGHTLINE_MEMBERSHIPS_TABLE;
});

afterAll(async () => {
  await controlPlane.close();
});

describe('MembershipsRepository access reads on dynalite', () => {
  /**
   * The web process's caching repository on a clock the test moves, another process's
   * repository on the same table, and an engineer in a project of the test's own.
   */
  async function memberFixture() {
    const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
    const web = new MembershipsRepository(documents, table, {
      accessCache: { ttlMs: TTL_MS, maxEntries: 100, now: () => clock.now },
    });
    const otherProcess = new MembershipsRepository(documents, table);
    projectCounter += 1;
    const projectId = `members-${projectCounter}`;
    await otherProcess.putMembership(projectId, 'user-1', 'engineer');
    const roleForAccess = async () => (await web.getMembershipForAccess(projectId, 'user-1'))?.role;
    return { web, otherProcess, clock, projectId, roleForAccess };
  }

  it('applies a role change made through the same repository to the next access check', async () => {
    const { web, projectId, roleForAccess } = await memberFixture();
    const before = await roleForAccess();

    await web.putMembership(projectId, 'user-1', 'viewer');

    expect([before, await roleForAccess()]).toEqual(['engineer', 'viewer']);
  });

  it('refuses a removed member at the next access check', async () => {
    const { web, projectId, roleForAccess } = await memberFixture();
    await roleForAccess();

    const removed = await web.removeMembership(projectId, 'user-1');

    expect(removed).toBe(true);
    expect(await roleForAccess()).toBeUndefined();
  });

  it('sees a change made by another process once the entry is older than the TTL', async () => {
    const { otherProcess, clock, projectId, roleForAccess } = await memberFixture();
    await roleForAccess();

    await otherProcess.putMembership(projectId, 'user-1', 'viewer');
    clock.now += TTL_MS;
    const withinTtl = await roleForAccess();
    clock.now += 1;
    const afterTtl = await roleForAccess();

    expect([withinTtl, afterTtl]).toEqual(['engineer', 'viewer']);
  });

  it('reads that decide a change (getMembership) never come from the cache', async () => {
    const { web, otherProcess, projectId, roleForAccess } = await memberFixture();
    await roleForAccess();

    await otherProcess.putMembership(projectId, 'user-1', 'admin');

    expect((await web.getMembership(projectId, 'user-1'))?.role).toBe('admin');
  });

  it('does not remember a non-member: a grant from another process counts at once', async () => {
    const { otherProcess, projectId, web } = await memberFixture();
    const before = await web.getMembershipForAccess(projectId, 'user-2');

    await otherProcess.putMembership(projectId, 'user-2', 'viewer');

    expect(before).toBeUndefined();
    expect((await web.getMembershipForAccess(projectId, 'user-2'))?.role).toBe('viewer');
  });
});

describe('MembershipsRepository keeps every project an admin, on dynalite', () => {
  const adminIdsOf = async (projectId: string) =>
    (await new MembershipsRepository(documents, table).listProjectMembers(projectId))
      .filter((member) => member.role === 'admin')
      .map((member) => member.userId)
      .sort();

  /** A project of its own with the given members, written through the repository. */
  async function projectWith(members: Record<string, 'admin' | 'engineer'>) {
    projectCounter += 1;
    const projectId = `admins-${projectCounter}`;
    const memberships = new MembershipsRepository(documents, table);
    for (const [userId, role] of Object.entries(members)) {
      await memberships.putMembership(projectId, userId, role);
    }
    return { projectId, memberships, adminIds: () => adminIdsOf(projectId) };
  }

  it('refuses demoting or removing the last admin, and changes nothing', async () => {
    const { projectId, memberships, adminIds } = await projectWith({ a: 'admin', e: 'engineer' });

    const demoting = memberships.putMembership(projectId, 'a', 'viewer');
    const removing = memberships.removeMembership(projectId, 'a');

    await expect(demoting).rejects.toBeInstanceOf(LastAdminError);
    await expect(removing).rejects.toBeInstanceOf(LastAdminError);
    expect(await adminIds()).toEqual(['a']);
  });

  it('lets an admin go once another is made admin, and not the one left after', async () => {
    const { projectId, memberships, adminIds } = await projectWith({ a: 'admin', e: 'engineer' });

    await memberships.putMembership(projectId, 'e', 'admin');
    await memberships.removeMembership(projectId, 'a');
    const demotingLast = memberships.putMembership(projectId, 'e', 'engineer');

    await expect(demotingLast).rejects.toBeInstanceOf(LastAdminError);
    expect(await adminIds()).toEqual(['e']);
  });

  /** A project of two admins written as before the admin count existed: no count record. */
  async function projectFromBeforeTheCount() {
    projectCounter += 1;
    const projectId = `admins-${projectCounter}`;
    for (const userId of ['a', 'b']) {
      const at = '2026-01-01T00:00:00.000Z';
      await documents.send(
        new PutCommand({
          TableName: table,
          Item: { projectId, userId, role: 'admin', createdAt: at, updatedAt: at },
        }),
      );
    }
    return projectId;
  }

  it('counts the admins of a project whose memberships were written before the count existed', async () => {
    const projectId = await projectFromBeforeTheCount();
    const memberships = new MembershipsRepository(documents, table);

    await memberships.putMembership(projectId, 'a', 'engineer');
    const demotingLast = memberships.removeMembership(projectId, 'b');

    await expect(demotingLast).rejects.toBeInstanceOf(LastAdminError);
    expect((await memberships.listProjectMembers(projectId)).map((m) => m.userId)).toEqual([
      'a',
      'b',
    ]);
  });

  it.each([
    ['with an admin count', async () => (await projectWith({ a: 'admin', b: 'admin' })).projectId],
    ['created by the racing changes themselves', projectFromBeforeTheCount],
  ])(
    'of two processes demoting the two admins at once, exactly one succeeds (%s)',
    async (_count, makeProject) => {
      for (let round = 0; round < RACE_ROUNDS; round += 1) {
        const projectId = await makeProject();
        const [first, second] = [
          new MembershipsRepository(documents, table),
          new MembershipsRepository(documents, table),
        ];

        const outcomes = await Promise.allSettled([
          first.putMembership(projectId, 'a', 'engineer'),
          second.removeMembership(projectId, 'b'),
        ]);

        expect(await adminIdsOf(projectId)).toHaveLength(1);
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        const refused = outcomes.find((outcome) => outcome.status === 'rejected');
        expect(refused?.reason).toBeInstanceOf(LastAdminError);
      }
    },
  );
});

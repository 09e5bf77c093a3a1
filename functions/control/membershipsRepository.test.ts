import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startTestControlPlane } from '../../test/helpers/controlPlane.ts';
import { MembershipsRepository } from './membershipsRepository.ts';

const TTL_MS = 5_000;

describe('MembershipsRepository access reads on dynalite', () => {
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

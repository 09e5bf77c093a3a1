import { setTimeout } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startTestControlPlane } from '../../test/helpers/controlPlane.ts';
import { ApiTokensRepository } from './apiTokensRepository.ts';
import { ParentTokenRevokedError } from './errors.ts';

const TTL_MS = 5_000;
const HOUR_MS = 3_600_000;
/** Rounds of the mint-while-revoking race; without the cascade every round left a usable child. */
const RACE_ROUNDS = 20;

/** A token minted by another token of the same project, as projectCredentials.ts mints one. */
const mintChild = (tokens: ApiTokensRepository, projectId: string, parentTokenId: string) =>
  tokens.createToken({
    projectId,
    name: 'child',
    scopes: ['traces:read'],
    createdBy: 'user-1',
    // Past the fixtures' clock and the real one alike: only revocation may refuse it.
    expiresAt: new Date('2100-01-01T00:00:00.000Z'),
    parentTokenId,
  });

describe('ApiTokensRepository on dynalite', () => {
  let controlPlane: Awaited<ReturnType<typeof startTestControlPlane>>;
  let documents: DynamoDBDocumentClient;
  let table: string;
  let projectCounter = 0;

  beforeAll(async () => {
    controlPlane = await startTestControlPlane();
    documents = controlPlane.documents;
    table = controlPlane.env.SIGHTLINE_API_TOKENS_TABLE;
  });

  afterAll(async () => {
    await controlPlane.close();
  });

  /** A caching repository on a clock the test moves, and a token of a project of its own. */
  async function cachedTokenFixture(options: { maxEntries?: number; expiresInMs?: number } = {}) {
    const clock = { now: Date.parse('2026-11-26T12:00:00.000Z') };
    const tokens = new ApiTokensRepository(documents, table, {
      verifiedCache: { ttlMs: TTL_MS, maxEntries: options.maxEntries ?? 100, now: () => clock.now },
    });
    projectCounter += 1;
    const projectId = `tokens-${projectCounter}`;
    const createToken = () =>
      tokens.createToken({
        projectId,
        name: 'reader',
        scopes: ['traces:read'],
        createdBy: 'user-1',
        expiresAt: new Date(clock.now + (options.expiresInMs ?? 24 * HOUR_MS)),
      });
    const created = await createToken();
    const at = () => new Date(clock.now);
    /** Deletes the token's row behind the repository's back, as another process could. */
    const deleteRowDirectly = (tokenId: string) =>
      documents.send(new DeleteCommand({ TableName: table, Key: { tokenId } }));
    return { tokens, clock, projectId, created, createToken, at, deleteRowDirectly };
  }

  it('verifies a token from memory within the TTL, and from the table after it', async () => {
    const { tokens, clock, created, at, deleteRowDirectly } = await cachedTokenFixture();

    const first = await tokens.verifyToken(created.token, at());
    await deleteRowDirectly(created.item.tokenId);
    clock.now += TTL_MS;
    const fromMemory = await tokens.verifyToken(created.token, at());
    clock.now += 1;
    const afterTtl = await tokens.verifyToken(created.token, at());

    expect(first?.tokenId).toBe(created.item.tokenId);
    expect(fromMemory?.tokenId).toBe(created.item.tokenId);
    expect(afterTtl).toBeUndefined();
  });

  it('refuses a cached token at once when it is revoked through the repository', async () => {
    const { tokens, projectId, created, at } = await cachedTokenFixture();
    await tokens.verifyToken(created.token, at());

    const revoked = await tokens.revokeToken(projectId, created.item.tokenId);
    const afterRevoke = await tokens.verifyToken(created.token, at());

    expect(revoked).toBe(true);
    expect(afterRevoke).toBeUndefined();
  });

  it('refuses a cached token exactly at its expiry', async () => {
    const { tokens, clock, created, at } = await cachedTokenFixture({ expiresInMs: 2_000 });
    await tokens.verifyToken(created.token, at());

    clock.now += 1_999;
    const justBefore = await tokens.verifyToken(created.token, at());
    clock.now += 1;
    const atExpiry = await tokens.verifyToken(created.token, at());

    expect(justBefore?.tokenId).toBe(created.item.tokenId);
    expect(atExpiry).toBeUndefined();
  });

  it('never lets a wrong secret match a cached token', async () => {
    const { tokens, created, at } = await cachedTokenFixture();
    await tokens.verifyToken(created.token, at());
    const forged = `slt_${created.item.tokenId}_${'A'.repeat(32)}`;

    const verified = await tokens.verifyToken(forged, at());

    expect(verified).toBeUndefined();
  });

  it('keeps at most maxEntries tokens: the least recently used is read from the table again', async () => {
    const { tokens, created, createToken, at, deleteRowDirectly } = await cachedTokenFixture({
      maxEntries: 1,
    });
    const second = await createToken();
    await tokens.verifyToken(created.token, at());
    await tokens.verifyToken(second.token, at());

    await deleteRowDirectly(created.item.tokenId);
    await deleteRowDirectly(second.item.tokenId);
    const evicted = await tokens.verifyToken(created.token, at());
    const kept = await tokens.verifyToken(second.token, at());

    expect(evicted).toBeUndefined();
    expect(kept?.tokenId).toBe(second.item.tokenId);
  });

  it('revokes every token a revoked token minted, transitively, and keeps who minted each', async () => {
    const { tokens, projectId, created: parent, at } = await cachedTokenFixture();
    const child = await mintChild(tokens, projectId, parent.item.tokenId);
    const grandchild = await mintChild(tokens, projectId, child.item.tokenId);
    const sibling = await mintChild(tokens, projectId, parent.item.tokenId);
    expect((await tokens.verifyToken(grandchild.token, at()))?.tokenId).toBe(
      grandchild.item.tokenId,
    );

    const revoked = await tokens.revokeToken(projectId, parent.item.tokenId);

    expect(revoked).toBe(true);
    for (const { token } of [parent, child, grandchild, sibling]) {
      expect(await tokens.verifyToken(token, at())).toBeUndefined();
    }
    const listed = await tokens.listProjectTokens(projectId);
    expect(listed.every((item) => item.revokedAt !== undefined)).toBe(true);
    expect(listed.find((item) => item.tokenId === grandchild.item.tokenId)?.parentTokenId).toBe(
      child.item.tokenId,
    );
  });

  it('revokes a minted token only with its ancestors: revoking a child leaves its parent', async () => {
    const { tokens, projectId, created: parent, at } = await cachedTokenFixture();
    const child = await mintChild(tokens, projectId, parent.item.tokenId);

    await tokens.revokeToken(projectId, child.item.tokenId);

    expect((await tokens.verifyToken(parent.token, at()))?.tokenId).toBe(parent.item.tokenId);
    expect(await tokens.verifyToken(child.token, at())).toBeUndefined();
  });

  it('refuses a cached descendant at once when its ancestor is revoked through the repository', async () => {
    const { tokens, projectId, created: parent, at } = await cachedTokenFixture();
    const child = await mintChild(tokens, projectId, parent.item.tokenId);
    const grandchild = await mintChild(tokens, projectId, child.item.tokenId);
    const cachedBefore = [
      await tokens.verifyToken(child.token, at()),
      await tokens.verifyToken(grandchild.token, at()),
    ];

    await tokens.revokeToken(projectId, parent.item.tokenId);

    expect(cachedBefore.map((item) => item?.tokenId)).toEqual([
      child.item.tokenId,
      grandchild.item.tokenId,
    ]);

    expect(await tokens.verifyToken(child.token, at())).toBeUndefined();
    expect(await tokens.verifyToken(grandchild.token, at())).toBeUndefined();
  });

  it('refuses minting with a revoked or unknown parent, and leaves no usable token', async () => {
    const { tokens, projectId, created: parent, at } = await cachedTokenFixture();
    await tokens.revokeToken(projectId, parent.item.tokenId);

    const fromRevoked = mintChild(tokens, projectId, parent.item.tokenId);
    const fromUnknown = mintChild(tokens, projectId, 'nosuchtoken000000001');

    await expect(fromRevoked).rejects.toBeInstanceOf(ParentTokenRevokedError);
    await expect(fromUnknown).rejects.toBeInstanceOf(ParentTokenRevokedError);
    const listed = await tokens.listProjectTokens(projectId);
    expect(listed.filter((item) => !item.revokedAt)).toEqual([]);
    expect(await tokens.verifyToken(parent.token, at())).toBeUndefined();
  });

  it('never leaves a usable token minted while its parent is being revoked', async () => {
    for (let round = 0; round < RACE_ROUNDS; round += 1) {
      const { projectId, created: parent } = await cachedTokenFixture();
      // Two processes: the one minting and the one revoking share no cache.
      const minting = new ApiTokensRepository(documents, table);
      const revoking = new ApiTokensRepository(documents, table);

      // The revocation starts a little later each round, to land before, during and after
      // the child's writes.
      const [minted, revoked] = await Promise.allSettled([
        mintChild(minting, projectId, parent.item.tokenId),
        setTimeout(round % 5).then(() => revoking.revokeToken(projectId, parent.item.tokenId)),
      ]);

      expect(revoked).toEqual({ status: 'fulfilled', value: true });
      if (minted.status === 'fulfilled') {
        expect(await minting.verifyToken(minted.value.token)).toBeUndefined();
      } else {
        expect(minted.reason).toBeInstanceOf(ParentTokenRevokedError);
      }
      const listed = await minting.listProjectTokens(projectId);
      expect(listed.filter((item) => !item.revokedAt)).toEqual([]);
    }
  });

  it('without a cache, reads the table on every verification', async () => {
    const { created, at, deleteRowDirectly } = await cachedTokenFixture();
    const uncached = new ApiTokensRepository(documents, table);
    const before = await uncached.verifyToken(created.token, at());

    await deleteRowDirectly(created.item.tokenId);
    const after = await uncached.verifyToken(created.token, at());

    expect(before?.tokenId).toBe(created.item.tokenId);
    expect(after).toBeUndefined();
  });
});

/**
 * API tokens (SIGHTLINE_API_TOKENS_TABLE). A token reads `slt_<tokenId>_<secret>` with 192
 * random bits of secret; the table keeps only the SHA-256 of the whole token, so a leaked
 * table grants nothing. A slow hash is not needed for secrets that cannot be guessed.
 *
 * With `verifiedCache`, verified tokens are kept in memory for a few seconds, keyed by that
 * hash (never the token itself), so an API client's requests do not each cost a read. A
 * revocation through this repository removes the token from its cache at once; other
 * processes see it when their entry expires. Expiry is checked on every verification.
 *
 * A token minted by another token is listed on its parent (`childTokenIds`) before it is
 * handed out, by a write that requires the parent unrevoked; revoking a token sets `revokedAt`
 * and reads that list in one write, then revokes each descendant the same way. So a child
 * minted while its parent is revoked is either on the list the revocation read, or its mint
 * fails and the child is revoked unseen.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { API_TOKEN_PREFIX, ApiTokenItemSchema, type ApiTokenItem } from './controlPlaneTables.ts';
import { isConditionalCheckFailed, ParentTokenRevokedError } from './errors.ts';
import { ExpiringLruCache, type ExpiringLruCacheOptions } from './ExpiringLruCache.ts';

export const API_TOKENS_BY_PROJECT_INDEX = 'byProject';

const TOKEN_PATTERN = /^slt_([A-Za-z0-9]{12,40})_([A-Za-z0-9_-]{32,64})$/;

export const hashApiToken = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');

/** The token id inside a presented token, or undefined when it is not shaped like one. */
export function parseApiToken(token: string): { tokenId: string } | undefined {
  const match = TOKEN_PATTERN.exec(token);
  return match ? { tokenId: match[1]! } : undefined;
}

export class ApiTokensRepository {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #verified: ExpiringLruCache<ApiTokenItem> | undefined;

  constructor(
    client: DynamoDBDocumentClient,
    table: string,
    options: { verifiedCache?: ExpiringLruCacheOptions } = {},
  ) {
    this.#client = client;
    this.#table = table;
    this.#verified = options.verifiedCache && new ExpiringLruCache(options.verifiedCache);
  }

  /**
   * Creates a token; the token itself is returned once and is not stored. With
   * `parentTokenId` (the project's token that mints it), throws ParentTokenRevokedError when
   * that token is revoked or gone, by the end of the mint.
   */
  async createToken(input: {
    projectId: string;
    name: string;
    scopes: string[];
    createdBy: string;
    expiresAt: Date;
    parentTokenId?: string;
  }): Promise<{ token: string; item: ApiTokenItem }> {
    const tokenId = randomBytes(12).toString('hex');
    const token = `${API_TOKEN_PREFIX}_${tokenId}_${randomBytes(24).toString('base64url')}`;
    const item = ApiTokenItemSchema.parse({
      tokenId,
      projectId: input.projectId,
      name: input.name,
      tokenHash: hashApiToken(token),
      scopes: input.scopes,
      createdBy: input.createdBy,
      createdAt: new Date().toISOString(),
      expiresAt: input.expiresAt.toISOString(),
      parentTokenId: input.parentTokenId,
    });
    await this.#client.send(
      new PutCommand({
        TableName: this.#table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(tokenId)',
      }),
    );
    if (input.parentTokenId) await this.#listOnParent(item, input.parentTokenId);
    return { token, item };
  }

  /**
   * Adds a new token to its parent's list, if the parent is still unrevoked: after this write
   * a revocation of the parent finds it. Otherwise the new token is revoked before anyone has it.
   */
  async #listOnParent(child: ApiTokenItem, parentTokenId: string): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { tokenId: parentTokenId },
          UpdateExpression: 'ADD childTokenIds :child',
          ConditionExpression: 'projectId = :p AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: { ':child': new Set([child.tokenId]), ':p': child.projectId },
        }),
      );
    } catch (error) {
      // Whether or not the parent listed it, a token its creator never receives must not work.
      await this.#revokeOne(child.projectId, child.tokenId);
      if (isConditionalCheckFailed(error)) throw new ParentTokenRevokedError(parentTokenId);
      throw error;
    }
  }

  async getToken(tokenId: string): Promise<ApiTokenItem | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: { tokenId }, ConsistentRead: true }),
    );
    return Item ? ApiTokenItemSchema.parse(Item) : undefined;
  }

  /** The token's record when the presented token is genuine, unrevoked and unexpired. */
  async verifyToken(token: string, now = new Date()): Promise<ApiTokenItem | undefined> {
    const parsed = parseApiToken(token);
    if (!parsed) return undefined;
    const tokenHash = hashApiToken(token);
    const read = () => this.#readGenuineToken(parsed.tokenId, tokenHash);
    const item = await (this.#verified ? this.#verified.getOrLoad(tokenHash, read) : read());
    // Checked on every request, cached or not: a token stops working at its expiry exactly.
    if (!item || Date.parse(item.expiresAt) <= now.getTime()) return undefined;
    return item;
  }

  /** The stored token when the presented one hashes to it and it is not revoked. */
  async #readGenuineToken(tokenId: string, tokenHash: string): Promise<ApiTokenItem | undefined> {
    const item = await this.getToken(tokenId);
    if (!item) return undefined;
    const presented = Buffer.from(tokenHash, 'hex');
    const stored = Buffer.from(item.tokenHash, 'hex');
    if (presented.length !== stored.length || !timingSafeEqual(presented, stored)) return undefined;
    return item.revokedAt ? undefined : item;
  }

  async listProjectTokens(projectId: string): Promise<ApiTokenItem[]> {
    const items: ApiTokenItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: API_TOKENS_BY_PROJECT_INDEX,
          KeyConditionExpression: 'projectId = :p',
          ExpressionAttributeValues: { ':p': projectId },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) items.push(ApiTokenItemSchema.parse(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return items.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /**
   * Revokes a project's token and every token minted from it, transitively; false when the
   * project has no such token. Revoking a revoked token revokes its descendants again, which
   * finishes a cascade an earlier call did not complete.
   */
  async revokeToken(projectId: string, tokenId: string): Promise<boolean> {
    const revoked = await this.#revokeOne(projectId, tokenId);
    if (!revoked) return false;
    const seen = new Set([tokenId]);
    const pending = [...(revoked.childTokenIds ?? [])];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (seen.has(next)) continue;
      seen.add(next);
      const child = await this.#revokeOne(projectId, next);
      pending.push(...(child?.childTokenIds ?? []));
    }
    return true;
  }

  /** Marks one token revoked; its record as revoked (with the tokens it minted so far). */
  async #revokeOne(projectId: string, tokenId: string): Promise<ApiTokenItem | undefined> {
    const item = await this.getToken(tokenId);
    if (!item || item.projectId !== projectId) return undefined;
    try {
      // One write sets revokedAt and returns the children: a child listed after it is refused.
      const { Attributes } = await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { tokenId },
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now)',
          ConditionExpression: 'projectId = :p',
          ExpressionAttributeValues: { ':now': new Date().toISOString(), ':p': projectId },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return ApiTokenItemSchema.parse(Attributes);
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    } finally {
      // After the write: a verification that read the token before it cannot cache it now.
      // Only the genuine token is ever cached, under its own hash: the stored one.
      this.#verified?.delete(item.tokenHash);
    }
  }
}

/**
 * Who belongs to which project with which role (SIGHTLINE_MEMBERSHIPS_TABLE): projectId +
 * userId, and the byUser index for "my projects".
 *
 * With `accessCache`, the memberships access checks read (`getMembershipForAccess`) are kept
 * in memory for a few seconds; a role change or removal through this repository drops the
 * entry at once, other processes see it when their entry expires. Reads that decide a change
 * (`getMembership`) always go to the table.
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  MembershipItemSchema,
  type MemberRole,
  type MembershipItem,
} from './controlPlaneTables.ts';
import { ExpiringLruCache, type ExpiringLruCacheOptions } from './ExpiringLruCache.ts';

export const MEMBERSHIPS_BY_USER_INDEX = 'byUser';

const accessKey = (projectId: string, userId: string) => `${projectId}\u0000${userId}`;

export class MembershipsRepository {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #forAccess: ExpiringLruCache<MembershipItem> | undefined;

  constructor(
    client: DynamoDBDocumentClient,
    table: string,
    options: { accessCache?: ExpiringLruCacheOptions } = {},
  ) {
    this.#client = client;
    this.#table = table;
    this.#forAccess = options.accessCache && new ExpiringLruCache(options.accessCache);
  }

  async getMembership(projectId: string, userId: string): Promise<MembershipItem | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: { projectId, userId }, ConsistentRead: true }),
    );
    return Item ? MembershipItemSchema.parse(Item) : undefined;
  }

  /** The membership an access check goes by: from the cache when one is configured. */
  async getMembershipForAccess(
    projectId: string,
    userId: string,
  ): Promise<MembershipItem | undefined> {
    const read = () => this.getMembership(projectId, userId);
    return this.#forAccess ? this.#forAccess.getOrLoad(accessKey(projectId, userId), read) : read();
  }

  async listProjectMembers(projectId: string): Promise<MembershipItem[]> {
    return this.#query({
      KeyConditionExpression: 'projectId = :p',
      ExpressionAttributeValues: { ':p': projectId },
      ConsistentRead: true,
    });
  }

  async listUserMemberships(userId: string): Promise<MembershipItem[]> {
    return this.#query({
      IndexName: MEMBERSHIPS_BY_USER_INDEX,
      KeyConditionExpression: 'userId = :u',
      ExpressionAttributeValues: { ':u': userId },
    });
  }

  /** Adds a member or changes their role. */
  async putMembership(
    projectId: string,
    userId: string,
    role: MemberRole,
  ): Promise<MembershipItem> {
    const now = new Date().toISOString();
    const existing = await this.getMembership(projectId, userId);
    const item = MembershipItemSchema.parse({
      projectId,
      userId,
      role,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
    try {
      await this.#client.send(new PutCommand({ TableName: this.#table, Item: item }));
    } finally {
      this.#forAccess?.delete(accessKey(projectId, userId));
    }
    return item;
  }

  async removeMembership(projectId: string, userId: string): Promise<boolean> {
    try {
      const { Attributes } = await this.#client.send(
        new DeleteCommand({
          TableName: this.#table,
          Key: { projectId, userId },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes !== undefined;
    } finally {
      this.#forAccess?.delete(accessKey(projectId, userId));
    }
  }

  async #query(
    input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>,
  ): Promise<MembershipItem[]> {
    const items: MembershipItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({ ...input, TableName: this.#table, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) items.push(MembershipItemSchema.parse(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

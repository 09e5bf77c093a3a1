/**
 * Who belongs to which project with which role (SIGHTLINE_MEMBERSHIPS_TABLE): projectId +
 * userId, and the byUser index for "my projects".
 *
 * With `accessCache`, the memberships access checks read (`getMembershipForAccess`) are kept
 * in memory for a few seconds; a role change or removal through this repository drops the
 * entry at once, other processes see it when their entry expires. Reads that decide a change
 * (`getMembership`) always go to the table.
 *
 * Every project keeps an admin, even when two admins demote or remove each other at once.
 * DynamoDB transactions are not used (dynalite, which the tests run on, has none), so a
 * per-project count of admins decides, changed by single conditional writes: a demotion takes
 * one from the count, only while more than one is left, before it writes the member; a
 * promotion adds one after. The count is never more than the admins there are, so a change
 * that the count allows leaves one. Each member write is conditional on whether the member is
 * an admin as read, and is retried from the start when that changed meanwhile. A process that
 * stops between the two writes leaves the count low: later demotions may be refused
 * (LastAdminError) while two admins remain, never allowed when one does.
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  ADMIN_COUNT_USER_ID,
  AdminCountItemSchema,
  MembershipItemSchema,
  type MemberRole,
  type MembershipItem,
} from './controlPlaneTables.ts';
import { isConditionalCheckFailed, LastAdminError, MembershipContentionError } from './errors.ts';
import { ExpiringLruCache, type ExpiringLruCacheOptions } from './ExpiringLruCache.ts';

export const MEMBERSHIPS_BY_USER_INDEX = 'byUser';

/** Attempts at a member's change when the member changes under it each time. */
const MAX_CHANGE_ATTEMPTS = 5;

/** Conditions on a member's record: is (not) an admin as read, or is absent as read. */
const AS_READ = {
  admin: '#role = :admin',
  notAdmin: 'attribute_exists(#role) AND #role <> :admin',
  absent: 'attribute_not_exists(userId)',
} as const;

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

  /** Adds a member or changes their role; LastAdminError when it would demote the last admin. */
  async putMembership(
    projectId: string,
    userId: string,
    role: MemberRole,
  ): Promise<MembershipItem> {
    const written = await this.#changeMembership(projectId, userId, role);
    if (!written) throw new Error('A membership put wrote no membership.');
    return written;
  }

  /** Removes a member (false when there is none); LastAdminError for the last admin. */
  async removeMembership(projectId: string, userId: string): Promise<boolean> {
    return (await this.#changeMembership(projectId, userId, undefined)) !== undefined;
  }

  /**
   * Writes a member's new role (`undefined`: removes them) and keeps the admin count; the
   * membership written or removed, undefined when there was none to remove.
   */
  async #changeMembership(
    projectId: string,
    userId: string,
    role: MemberRole | undefined,
  ): Promise<MembershipItem | undefined> {
    for (let attempt = 1; attempt <= MAX_CHANGE_ATTEMPTS; attempt += 1) {
      const existing = await this.getMembership(projectId, userId);
      if (!existing && role === undefined) return undefined;
      const wasAdmin = existing?.role === 'admin';
      const demotes = wasAdmin && role !== 'admin';
      const promotes = !wasAdmin && role === 'admin';
      if (demotes || promotes) await this.#ensureAdminCount(projectId);
      if (demotes) await this.#takeAdmin(projectId);
      let written: MembershipItem;
      try {
        written = await this.#writeMembership(projectId, userId, existing, role);
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        // Not written: the admin taken is given back (an unknown outcome keeps the count low).
        if (demotes) await this.#addAdmin(projectId);
        continue;
      } finally {
        this.#forAccess?.delete(accessKey(projectId, userId));
      }
      if (promotes) await this.#addAdmin(projectId);
      return written;
    }
    throw new MembershipContentionError(projectId, userId);
  }

  /** One conditional write, refused when the member is (or is not) an admin unlike as read. */
  async #writeMembership(
    projectId: string,
    userId: string,
    existing: MembershipItem | undefined,
    role: MemberRole | undefined,
  ): Promise<MembershipItem> {
    const condition = !existing
      ? AS_READ.absent
      : existing.role === 'admin'
        ? AS_READ.admin
        : AS_READ.notAdmin;
    const expression = existing
      ? {
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#role': 'role' },
          ExpressionAttributeValues: { ':admin': 'admin' },
        }
      : { ConditionExpression: condition };
    if (role === undefined) {
      await this.#client.send(
        new DeleteCommand({ TableName: this.#table, Key: { projectId, userId }, ...expression }),
      );
      return existing!;
    }
    const now = new Date().toISOString();
    const item = MembershipItemSchema.parse({
      projectId,
      userId,
      role,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
    await this.#client.send(new PutCommand({ TableName: this.#table, Item: item, ...expression }));
    return item;
  }

  /**
   * Creates the project's admin count from its members when it has none yet (projects older
   * than the count). Runs before any change of an admin, so no change is missed or counted
   * twice: the one creation that wins read the members before any counted change was written.
   */
  async #ensureAdminCount(projectId: string): Promise<void> {
    const key = { projectId, userId: ADMIN_COUNT_USER_ID };
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: key, ConsistentRead: true }),
    );
    if (Item) return;
    const members = await this.listProjectMembers(projectId);
    const adminCount = members.filter((member) => member.role === 'admin').length;
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#table,
          Item: AdminCountItemSchema.parse({ ...key, adminCount }),
          ConditionExpression: 'attribute_not_exists(userId)',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /** Takes one admin from the count, only while more than one is left. */
  async #takeAdmin(projectId: string): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { projectId, userId: ADMIN_COUNT_USER_ID },
          UpdateExpression: 'SET adminCount = adminCount - :one',
          ConditionExpression: 'adminCount > :one',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new LastAdminError(projectId);
      throw error;
    }
  }

  /** Adds one admin to the count (when there is a count: without one, its creation counts). */
  async #addAdmin(projectId: string): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { projectId, userId: ADMIN_COUNT_USER_ID },
          UpdateExpression: 'SET adminCount = adminCount + :one',
          ConditionExpression: 'attribute_exists(adminCount)',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
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
      for (const item of page.Items ?? []) {
        if (item.userId !== ADMIN_COUNT_USER_ID) items.push(MembershipItemSchema.parse(item));
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

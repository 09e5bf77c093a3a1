/**
 * Who belongs to which project with which role (SIGHTLINE_MEMBERSHIPS_TABLE): projectId +
 * userId, and the byUser index for "my projects".
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

export const MEMBERSHIPS_BY_USER_INDEX = 'byUser';

export class MembershipsRepository {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(client: DynamoDBDocumentClient, table: string) {
    this.#client = client;
    this.#table = table;
  }

  async getMembership(projectId: string, userId: string): Promise<MembershipItem | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: { projectId, userId }, ConsistentRead: true }),
    );
    return Item ? MembershipItemSchema.parse(Item) : undefined;
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
    await this.#client.send(new PutCommand({ TableName: this.#table, Item: item }));
    return item;
  }

  async removeMembership(projectId: string, userId: string): Promise<boolean> {
    const { Attributes } = await this.#client.send(
      new DeleteCommand({
        TableName: this.#table,
        Key: { projectId, userId },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes !== undefined;
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

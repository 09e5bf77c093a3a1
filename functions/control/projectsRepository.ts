/**
 * Projects and their ingest keys in DynamoDB (tables named by SIGHTLINE_PROJECTS_TABLE and
 * SIGHTLINE_INGEST_KEYS_TABLE).
 */
import { randomBytes } from 'node:crypto';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  IngestKeyItemSchema,
  ProjectItemSchema,
  type IngestKeyItem,
  type ProjectItem,
} from './controlPlaneTables.ts';

export interface ControlPlaneTableNames {
  projectsTable: string;
  ingestKeysTable: string;
}

export class ProjectsRepository {
  readonly #client: DynamoDBDocumentClient;
  readonly #tables: ControlPlaneTableNames;

  constructor(client: DynamoDBDocumentClient, tables: ControlPlaneTableNames) {
    this.#client = client;
    this.#tables = tables;
  }

  /** The repository on the tables the environment names (every function and the web app). */
  static fromEnv(
    client: DynamoDBDocumentClient,
    env: { SIGHTLINE_PROJECTS_TABLE: string; SIGHTLINE_INGEST_KEYS_TABLE: string },
  ): ProjectsRepository {
    return new ProjectsRepository(client, {
      projectsTable: env.SIGHTLINE_PROJECTS_TABLE,
      ingestKeysTable: env.SIGHTLINE_INGEST_KEYS_TABLE,
    });
  }

  async getProject(projectId: string): Promise<ProjectItem | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({
        TableName: this.#tables.projectsTable,
        Key: { projectId },
        ConsistentRead: true,
      }),
    );
    return Item ? ProjectItemSchema.parse(Item) : undefined;
  }

  async getIngestKey(projectId: string, keyId: string): Promise<IngestKeyItem | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({
        TableName: this.#tables.ingestKeysTable,
        Key: { projectId, keyId },
        ConsistentRead: true,
      }),
    );
    return Item ? IngestKeyItemSchema.parse(Item) : undefined;
  }

  async putProject(
    project: Omit<ProjectItem, 'createdAt'> & { createdAt?: string },
  ): Promise<ProjectItem> {
    const item = ProjectItemSchema.parse({ createdAt: new Date().toISOString(), ...project });
    await this.#client.send(new PutCommand({ TableName: this.#tables.projectsTable, Item: item }));
    return item;
  }

  /** Creates an ingest key; the secret is returned once and cannot be read back by people. */
  async createIngestKey(
    projectId: string,
    options: { keyId?: string; secret?: string } = {},
  ): Promise<IngestKeyItem> {
    const item = IngestKeyItemSchema.parse({
      projectId,
      keyId: options.keyId ?? `ik_${randomBytes(9).toString('base64url')}`,
      secret: options.secret ?? randomBytes(32).toString('base64url'),
      status: 'active',
      createdAt: new Date().toISOString(),
    });
    await this.#client.send(
      new PutCommand({ TableName: this.#tables.ingestKeysTable, Item: item }),
    );
    return item;
  }

  /** A project's ingest keys, newest first. */
  async listIngestKeys(projectId: string): Promise<IngestKeyItem[]> {
    const items: IngestKeyItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#tables.ingestKeysTable,
          KeyConditionExpression: 'projectId = :p',
          ExpressionAttributeValues: { ':p': projectId },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) items.push(IngestKeyItemSchema.parse(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return items.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Revokes a key; false when the project has no such key. */
  async revokeIngestKey(projectId: string, keyId: string): Promise<boolean> {
    const key = await this.getIngestKey(projectId, keyId);
    if (!key) return false;
    await this.#client.send(
      new PutCommand({
        TableName: this.#tables.ingestKeysTable,
        Item: { ...key, status: 'revoked' },
      }),
    );
    return true;
  }

  /**
   * Replaces a key: a new active key is created and the old one revoked. Producers still
   * holding the old key are refused once warm functions' key caches expire
   * (SIGHTLINE_KEY_CACHE_TTL_SECONDS).
   */
  async rotateIngestKey(projectId: string, keyId: string): Promise<IngestKeyItem | undefined> {
    const key = await this.getIngestKey(projectId, keyId);
    if (!key || key.status !== 'active') return undefined;
    const replacement = await this.createIngestKey(projectId);
    await this.revokeIngestKey(projectId, keyId);
    return replacement;
  }
}

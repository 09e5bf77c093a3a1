/**
 * Projects and their ingest keys in DynamoDB (tables named by SIGHTLINE_PROJECTS_TABLE and
 * SIGHTLINE_INGEST_KEYS_TABLE).
 */
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

  async revokeIngestKey(projectId: string, keyId: string): Promise<void> {
    const key = await this.getIngestKey(projectId, keyId);
    if (!key) return;
    await this.#client.send(
      new PutCommand({
        TableName: this.#tables.ingestKeysTable,
        Item: { ...key, status: 'revoked' },
      }),
    );
  }
}

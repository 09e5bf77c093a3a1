/**
 * DynamoDB stand-in for the local stack: dynalite on loopback (persisted with LevelDB when
 * given a path), and the control-plane tables created the way the CDK stack defines them.
 */
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { closeServer, listenOnLoopback, type LocalService } from './listenOnLoopback.ts';

const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;

export async function startDynalite(
  options: { path?: string; port?: number } = {},
): Promise<LocalService> {
  const server = dynalite({
    ...(options.path ? { path: options.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const { host, port } = await listenOnLoopback(server, {
    service: 'DynamoDB (dynalite)',
    port: options.port ?? 0,
  });
  return { endpoint: `http://${host}:${port}`, port, close: () => closeServer(server) };
}

export interface ControlPlaneTables {
  projectsTable: string;
  ingestKeysTable: string;
  /** Sign-in tables; created when named. */
  authTable?: string;
  membershipsTable?: string;
  apiTokensTable?: string;
  /** LLM-as-judge daily budget counters (functions/judge/JudgeBudget.ts); created when named. */
  judgeBudgetTable?: string;
}

type KeyDefinition = readonly [name: string, type: 'HASH' | 'RANGE'];

interface TableDefinition {
  TableName: string;
  keys: readonly KeyDefinition[];
  indexes?: ReadonlyArray<{ IndexName: string; keys: readonly KeyDefinition[] }>;
}

const keySchema = (keys: readonly KeyDefinition[]) =>
  keys.map(([AttributeName, KeyType]) => ({ AttributeName, KeyType }));

/**
 * Key schemas and indexes match infra/stacks: projects by projectId; ingest keys by projectId
 * + keyId; auth records by pk with two lookup indexes; memberships by projectId + userId with
 * byUser; API tokens by tokenId with byProject; judge budget counters by pk.
 */
export function controlPlaneTableDefinitions(tables: ControlPlaneTables): TableDefinition[] {
  const definitions: TableDefinition[] = [
    { TableName: tables.projectsTable, keys: [['projectId', 'HASH']] },
    {
      TableName: tables.ingestKeysTable,
      keys: [
        ['projectId', 'HASH'],
        ['keyId', 'RANGE'],
      ],
    },
  ];
  if (tables.authTable) {
    definitions.push({
      TableName: tables.authTable,
      keys: [['pk', 'HASH']],
      indexes: [
        { IndexName: 'lookup1', keys: [['lookup1', 'HASH']] },
        { IndexName: 'lookup2', keys: [['lookup2', 'HASH']] },
      ],
    });
  }
  if (tables.membershipsTable) {
    definitions.push({
      TableName: tables.membershipsTable,
      keys: [
        ['projectId', 'HASH'],
        ['userId', 'RANGE'],
      ],
      indexes: [
        {
          IndexName: 'byUser',
          keys: [
            ['userId', 'HASH'],
            ['projectId', 'RANGE'],
          ],
        },
      ],
    });
  }
  if (tables.apiTokensTable) {
    definitions.push({
      TableName: tables.apiTokensTable,
      keys: [['tokenId', 'HASH']],
      indexes: [
        {
          IndexName: 'byProject',
          keys: [
            ['projectId', 'HASH'],
            ['tokenId', 'RANGE'],
          ],
        },
      ],
    });
  }
  if (tables.judgeBudgetTable) {
    definitions.push({ TableName: tables.judgeBudgetTable, keys: [['pk', 'HASH']] });
  }
  return definitions;
}

export async function createControlPlaneTables(
  client: DynamoDBClient,
  tables: ControlPlaneTables,
): Promise<void> {
  for (const { TableName, keys, indexes = [] } of controlPlaneTableDefinitions(tables)) {
    const attributes = new Set(
      [...keys, ...indexes.flatMap((index) => index.keys)].map(([name]) => name),
    );
    try {
      await client.send(
        new CreateTableCommand({
          TableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [...attributes].map((AttributeName) => ({
            AttributeName,
            AttributeType: 'S',
          })),
          KeySchema: keySchema(keys),
          ...(indexes.length > 0
            ? {
                GlobalSecondaryIndexes: indexes.map((index) => ({
                  IndexName: index.IndexName,
                  KeySchema: keySchema(index.keys),
                  Projection: { ProjectionType: 'ALL' },
                })),
              }
            : {}),
        }),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    // dynalite creates tables asynchronously, like DynamoDB.
    for (let attempt = 0; ; attempt += 1) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName }));
      if (Table?.TableStatus === 'ACTIVE') break;
      if (attempt > 100) throw new Error(`DynamoDB table ${TableName} did not become ACTIVE`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

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
}

/** Key schemas match infra/stacks: projects by projectId; ingest keys by projectId + keyId. */
export async function createControlPlaneTables(
  client: DynamoDBClient,
  tables: ControlPlaneTables,
): Promise<void> {
  const definitions = [
    { TableName: tables.projectsTable, keys: [['projectId', 'HASH']] },
    {
      TableName: tables.ingestKeysTable,
      keys: [
        ['projectId', 'HASH'],
        ['keyId', 'RANGE'],
      ],
    },
  ] as const;
  for (const { TableName, keys } of definitions) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: keys.map(([AttributeName]) => ({
            AttributeName,
            AttributeType: 'S',
          })),
          KeySchema: keys.map(([AttributeName, KeyType]) => ({ AttributeName, KeyType })),
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

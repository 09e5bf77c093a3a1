/**
 * The daily judge budget against dynalite: concurrent reservations never exceed the limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hex } from '../../test/helpers/factories.ts';
import { createControlPlaneTables, startDynalite } from '../../infra/local/services/dynalite.ts';
import type { LocalService } from '../../infra/local/services/listenOnLoopback.ts';
import { createDynamoClient, createDynamoDocumentClient } from '../aws/awsClients.ts';
import { parseServerEnv } from '../config/env.ts';
import { budgetKey, DynamoJudgeBudget } from './JudgeBudget.ts';

let dynalite: LocalService;
let documents: ReturnType<typeof createDynamoDocumentClient>;
let tableName: string;

beforeAll(async () => {
  dynalite = await startDynalite();
  const env = parseServerEnv({ AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint });
  const dynamo = createDynamoClient(env);
  tableName = env.SIGHTLINE_JUDGE_BUDGET_TABLE;
  await createControlPlaneTables(dynamo, {
    projectsTable: env.SIGHTLINE_PROJECTS_TABLE,
    ingestKeysTable: env.SIGHTLINE_INGEST_KEYS_TABLE,
    judgeBudgetTable: tableName,
  });
  dynamo.destroy();
  documents = createDynamoDocumentClient(env);
});

afterAll(async () => {
  documents?.destroy();
  await dynalite?.close();
});

const limits = (overrides: Partial<Parameters<DynamoJudgeBudget['tryReserve']>[1]> = {}) => ({
  dailyMaxCalls: 5,
  estimatedCostPerCallUsd: 0.01,
  ...overrides,
});

describe('DynamoJudgeBudget', () => {
  it('grants exactly the daily limit to concurrent reservations', async () => {
    // Prepare
    const budget = new DynamoJudgeBudget(documents, tableName);
    const projectId = `p-${hex(4)}`;

    // Act
    const granted = await Promise.all(
      Array.from({ length: 20 }, () => budget.tryReserve(projectId, limits())),
    );

    // Assess
    expect(granted.filter(Boolean)).toHaveLength(5);
  });

  it('stops at the dollar budget before the call limit', async () => {
    // Prepare
    const budget = new DynamoJudgeBudget(documents, tableName);
    const projectId = `p-${hex(4)}`;
    const dollars = limits({
      dailyMaxCalls: 100,
      dailyBudgetUsd: 0.1,
      estimatedCostPerCallUsd: 0.03,
    });

    // Act
    const granted: boolean[] = [];
    for (let call = 0; call < 6; call += 1)
      granted.push(await budget.tryReserve(projectId, dollars));

    // Assess
    expect(granted).toEqual([true, true, true, false, false, false]);
  });

  it('starts again on the next UTC day', async () => {
    // Prepare
    let now = Date.parse('2026-03-01T23:59:00Z');
    const budget = new DynamoJudgeBudget(documents, tableName, () => now);
    const projectId = `p-${hex(4)}`;
    const oneCall = limits({ dailyMaxCalls: 1 });

    // Act
    const today = [
      await budget.tryReserve(projectId, oneCall),
      await budget.tryReserve(projectId, oneCall),
    ];
    now += 120_000;
    const tomorrow = await budget.tryReserve(projectId, oneCall);

    // Assess
    expect(today).toEqual([true, false]);
    expect(tomorrow).toBe(true);
    expect(budgetKey(projectId, now)).toBe(`${projectId}#2026-03-02`);
  });

  it.each([
    ['a call limit of 0', limits({ dailyMaxCalls: 0 })],
    ['a dollar budget below one call', limits({ dailyBudgetUsd: 0.001 })],
  ])('grants nothing for %s', async (_name, zero) => {
    // Act / Assess
    expect(await new DynamoJudgeBudget(documents, tableName).tryReserve(`p-${hex(4)}`, zero)).toBe(
      false,
    );
  });
});

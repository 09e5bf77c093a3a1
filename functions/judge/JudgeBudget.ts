/**
 * The per-project daily judge budget: one DynamoDB item per project and UTC day
 * (`pk` = `<projectId>#<YYYY-MM-DD>`) counting calls and reserved micro-dollars. A call is
 * reserved by one atomic ADD whose condition is the limit, so concurrent judge functions can
 * never overspend; the item expires (TTL `expiresAt`) two days later.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { JudgePolicy } from '../enrich/policy.ts';
import { isConditionalCheckFailed } from '../control/errors.ts';

const MICRO = 1_000_000;
const EXPIRE_AFTER_SECONDS = 2 * 86_400;

export type BudgetLimits = Pick<
  JudgePolicy,
  'dailyMaxCalls' | 'dailyBudgetUsd' | 'estimatedCostPerCallUsd'
>;

export interface JudgeBudgetCounter {
  /** Reserves one call; false when the project's budget for today is spent. */
  tryReserve(projectId: string, limits: BudgetLimits): Promise<boolean>;
}

export function budgetKey(projectId: string, now: number): string {
  return `${projectId}#${new Date(now).toISOString().slice(0, 10)}`;
}

export class DynamoJudgeBudget implements JudgeBudgetCounter {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #now: () => number;

  constructor(client: DynamoDBDocumentClient, tableName: string, now: () => number = Date.now) {
    this.#client = client;
    this.#tableName = tableName;
    this.#now = now;
  }

  async tryReserve(projectId: string, limits: BudgetLimits): Promise<boolean> {
    if (limits.dailyMaxCalls <= 0) return false;
    const now = this.#now();
    const costMicro = Math.round(limits.estimatedCostPerCallUsd * MICRO);
    const conditions = ['(attribute_not_exists(#calls) OR #calls < :maxCalls)'];
    const values: Record<string, number> = {
      ':one': 1,
      ':cost': costMicro,
      ':maxCalls': limits.dailyMaxCalls,
      ':expiresAt': Math.floor(now / 1000) + EXPIRE_AFTER_SECONDS,
    };
    if (limits.dailyBudgetUsd !== undefined) {
      const budgetMicro = Math.round(limits.dailyBudgetUsd * MICRO);
      if (costMicro > budgetMicro) return false;
      conditions.push('(attribute_not_exists(#spent) OR #spent <= :spendable)');
      values[':spendable'] = budgetMicro - costMicro;
    }
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { pk: budgetKey(projectId, now) },
          UpdateExpression: 'ADD #calls :one, #spent :cost SET #expiresAt = :expiresAt',
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: {
            '#calls': 'calls',
            '#spent': 'reservedMicroUsd',
            '#expiresAt': 'expiresAt',
          },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}

/**
 * better-auth's records (users, accounts, sessions, verifications, rate-limit counters) in
 * the auth table (SIGHTLINE_AUTH_TABLE). Records are found by id with GetItem, by the fields
 * each model is looked up by through two lookup indexes, and otherwise by scanning the
 * model's records (admin listings and expiry sweeps only, which are rare and small).
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  ScanCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { AuthItemSchema, type AuthItem, type AuthModel } from './controlPlaneTables.ts';
import { isConditionalCheckFailed } from './errors.ts';

export type AuthRecord = Record<string, unknown> & { id: string };

export type WhereOperator =
  | 'eq'
  | 'ne'
  | 'lt'
  | 'lte'
  | 'gt'
  | 'gte'
  | 'in'
  | 'not_in'
  | 'contains'
  | 'starts_with'
  | 'ends_with';

export interface WhereClause {
  field: string;
  value: unknown;
  operator: WhereOperator;
  connector: 'AND' | 'OR';
}

/**
 * The field in each model's table key, read with strongly consistent GetItem: a session is
 * found by its token on every request, right after sign-in made it, and rate-limit counters
 * must see the last write — a lookup index (eventually consistent in DynamoDB) could miss both.
 */
const KEY_FIELD: Record<AuthModel, string> = {
  user: 'id',
  session: 'token',
  account: 'id',
  verification: 'id',
  rateLimit: 'key',
};

/** Which other fields of each model the two lookup indexes find records by. */
const LOOKUP_FIELDS: Record<AuthModel, readonly [string?, string?]> = {
  user: ['email'],
  session: ['userId', 'id'],
  account: ['userId', 'accountId'],
  verification: ['identifier'],
  rateLimit: ['id'],
};

export const AUTH_LOOKUP_INDEXES = ['lookup1', 'lookup2'] as const;

/** Expired records linger a day before DynamoDB's TTL sweeps them (reads check expiry). */
const TTL_GRACE_SECONDS = 86_400;

const lookupKey = (model: string, field: string, value: unknown) =>
  `${model}#${field}#${String(value)}`;

/** Dates compare as their ISO strings, which is how records store them. */
function comparable(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

function matchesClause(record: AuthRecord, clause: WhereClause): boolean {
  const actual = comparable(record[clause.field]);
  const expected = comparable(clause.value);
  switch (clause.operator) {
    case 'eq':
      return actual === expected;
    case 'ne':
      return actual !== expected;
    case 'lt':
      return expected != null && actual != null && (actual as number) < (expected as number);
    case 'lte':
      return expected != null && actual != null && (actual as number) <= (expected as number);
    case 'gt':
      return expected != null && actual != null && (actual as number) > (expected as number);
    case 'gte':
      return expected != null && actual != null && (actual as number) >= (expected as number);
    case 'in':
      return Array.isArray(expected) && expected.map(comparable).includes(actual);
    case 'not_in':
      return Array.isArray(expected) && !expected.map(comparable).includes(actual);
    case 'contains':
      return typeof actual === 'string' && actual.includes(String(expected));
    case 'starts_with':
      return typeof actual === 'string' && actual.startsWith(String(expected));
    case 'ends_with':
      return typeof actual === 'string' && actual.endsWith(String(expected));
  }
}

/** AND binds tighter than OR, as in SQL: `a AND b OR c` = `(a AND b) OR c`. */
export function matchesWhere(record: AuthRecord, where: readonly WhereClause[]): boolean {
  if (where.length === 0) return true;
  const groups: WhereClause[][] = [[]];
  where.forEach((clause, index) => {
    if (index > 0 && clause.connector === 'OR') groups.push([]);
    groups.at(-1)!.push(clause);
  });
  return groups.some((group) => group.every((clause) => matchesClause(record, clause)));
}

function recordOf(item: AuthItem): AuthRecord {
  const { pk: _pk, model: _model, lookup1: _l1, lookup2: _l2, ttl: _ttl, ...record } = item;
  return record as AuthRecord;
}

function expirySeconds(record: AuthRecord): number | undefined {
  const expiresAt = record.expiresAt;
  if (typeof expiresAt === 'string') {
    const time = Date.parse(expiresAt);
    if (!Number.isNaN(time)) return Math.ceil(time / 1000) + TTL_GRACE_SECONDS;
  }
  if (typeof record.lastRequest === 'number') {
    return Math.ceil(record.lastRequest / 1000) + TTL_GRACE_SECONDS;
  }
  return undefined;
}

export class AuthRecordStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(client: DynamoDBDocumentClient, table: string) {
    this.#client = client;
    this.#table = table;
  }

  #pk(model: AuthModel, keyValue: unknown): string {
    if (typeof keyValue !== 'string' || keyValue === '') {
      throw new Error(`A ${model} record needs its ${KEY_FIELD[model]}`);
    }
    return `${model}#${keyValue}`;
  }

  #itemOf(model: AuthModel, record: AuthRecord): AuthItem {
    const [field1, field2] = LOOKUP_FIELDS[model];
    const item: AuthItem = {
      ...record,
      pk: this.#pk(model, record[KEY_FIELD[model]]),
      model,
      id: record.id,
    };
    if (field1 && record[field1] != null) item.lookup1 = lookupKey(model, field1, record[field1]);
    if (field2 && record[field2] != null) item.lookup2 = lookupKey(model, field2, record[field2]);
    const ttl = expirySeconds(record);
    if (ttl !== undefined) item.ttl = ttl;
    return AuthItemSchema.parse(item);
  }

  async put(model: AuthModel, record: AuthRecord): Promise<AuthRecord> {
    await this.#client.send(
      new PutCommand({ TableName: this.#table, Item: this.#itemOf(model, record) }),
    );
    return record;
  }

  /** Creates a record; fails if one with the same id exists. */
  async create(model: AuthModel, record: AuthRecord): Promise<AuthRecord> {
    await this.#client.send(
      new PutCommand({
        TableName: this.#table,
        Item: this.#itemOf(model, record),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return record;
  }

  /** The record whose key field (`id`, a session's `token`, a counter's `key`) has this value. */
  async get(model: AuthModel, keyValue: string): Promise<AuthRecord | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({
        TableName: this.#table,
        Key: { pk: this.#pk(model, keyValue) },
        ConsistentRead: true,
      }),
    );
    return Item ? recordOf(AuthItemSchema.parse(Item)) : undefined;
  }

  /** Every record of the model matching `where`, using the cheapest access path it allows. */
  async find(model: AuthModel, where: readonly WhereClause[]): Promise<AuthRecord[]> {
    const candidates = await this.#candidates(model, where);
    return candidates.filter((record) => matchesWhere(record, where));
  }

  async #candidates(model: AuthModel, where: readonly WhereClause[]): Promise<AuthRecord[]> {
    const allAnd = where.every((clause, index) => index === 0 || clause.connector === 'AND');
    if (allAnd) {
      const byKey = where.find(
        (clause) => clause.field === KEY_FIELD[model] && clause.operator === 'eq',
      );
      if (byKey && typeof byKey.value === 'string') {
        const record = await this.get(model, byKey.value);
        return record ? [record] : [];
      }
      const [field1, field2] = LOOKUP_FIELDS[model];
      for (const [index, field] of [field1, field2].entries()) {
        const clause = where.find((c) => c.field === field && c.operator === 'eq');
        if (field && clause && clause.value != null) {
          return this.#query(AUTH_LOOKUP_INDEXES[index]!, lookupKey(model, field, clause.value));
        }
      }
    }
    return this.#scan(model);
  }

  async #query(index: string, key: string): Promise<AuthRecord[]> {
    const records: AuthRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: index,
          KeyConditionExpression: '#k = :k',
          ExpressionAttributeNames: { '#k': index },
          ExpressionAttributeValues: { ':k': key },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) records.push(recordOf(AuthItemSchema.parse(item)));
      start = page.LastEvaluatedKey;
    } while (start);
    return records;
  }

  async #scan(model: AuthModel): Promise<AuthRecord[]> {
    const records: AuthRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new ScanCommand({
          TableName: this.#table,
          FilterExpression: '#m = :m',
          ExpressionAttributeNames: { '#m': 'model' },
          ExpressionAttributeValues: { ':m': model },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) records.push(recordOf(AuthItemSchema.parse(item)));
      start = page.LastEvaluatedKey;
    } while (start);
    return records;
  }

  async delete(model: AuthModel, record: AuthRecord): Promise<void> {
    await this.#client.send(
      new DeleteCommand({
        TableName: this.#table,
        Key: { pk: this.#pk(model, record[KEY_FIELD[model]]) },
      }),
    );
  }

  /**
   * Writes `record` over the stored one only while its `field` still holds `expected` (a
   * string); false, writing nothing, when it does not (changed or gone meanwhile).
   */
  async putIfFieldIs(
    model: AuthModel,
    record: AuthRecord,
    field: string,
    expected: string,
  ): Promise<boolean> {
    return this.#putWhen(model, record, {
      ConditionExpression: '#f = :expected',
      ExpressionAttributeNames: { '#f': field },
      ExpressionAttributeValues: { ':expected': expected },
    });
  }

  /** Writes `record` only when `condition` holds of the stored item; false when it does not. */
  async #putWhen(
    model: AuthModel,
    record: AuthRecord,
    condition: Pick<
      PutCommandInput,
      'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
  ): Promise<boolean> {
    try {
      await this.#client.send(
        new PutCommand({ TableName: this.#table, Item: this.#itemOf(model, record), ...condition }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** Writes a changed record, removing the old item when its key field changed. */
  /**
   * Writes `next` in place of `previous`. Under the same key the write only updates a record
   * that still exists: a session deleted in between (signed out everywhere) is not written back,
   * and `undefined` says it is gone.
   */
  async replace(
    model: AuthModel,
    previous: AuthRecord,
    next: AuthRecord,
  ): Promise<AuthRecord | undefined> {
    const field = KEY_FIELD[model];
    if (previous[field] !== next[field]) {
      await this.put(model, next);
      await this.delete(model, previous);
      return next;
    }
    const written = await this.#putWhen(model, next, {
      ConditionExpression: 'attribute_exists(pk)',
    });
    return written ? next : undefined;
  }
}

/**
 * A better-auth database adapter over the auth table in DynamoDB (AuthRecordStore). Dates are
 * stored as ISO strings (they sort and compare like the dates they are); better-auth turns
 * them back into Dates. DynamoDB has no multi-item transactions here, so better-auth runs
 * its steps one after another.
 */
import { createAdapterFactory, type DBAdapterInstance } from 'better-auth/adapters';
import { AUTH_MODELS, type AuthModel } from './controlPlaneTables.ts';
import type { AuthRecord, AuthRecordStore, WhereClause } from './authRecordStore.ts';

function authModel(model: string): AuthModel {
  if (!(AUTH_MODELS as readonly string[]).includes(model)) {
    throw new Error(`The auth table keeps no "${model}" records`);
  }
  return model as AuthModel;
}

function compareValues(a: unknown, b: unknown): number {
  if (a == null && b == null) return 0;
  if (a == null) return -1;
  if (b == null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

export function dynamoAuthAdapter(store: AuthRecordStore): DBAdapterInstance {
  return createAdapterFactory({
    config: {
      adapterId: 'sightline-dynamodb',
      adapterName: 'Sightline DynamoDB adapter',
      usePlural: false,
      supportsDates: false,
      supportsBooleans: true,
      supportsJSON: false,
      supportsNumericIds: false,
      transaction: false,
    },
    adapter: () => {
      const find = (model: string, where: WhereClause[] | undefined) =>
        store.find(authModel(model), where ?? []);
      return {
        async create({ model, data }) {
          const record = data as unknown as AuthRecord;
          await store.create(authModel(model), record);
          return data;
        },
        async findOne({ model, where }) {
          const [first] = await find(model, where);
          return (first ?? null) as never;
        },
        async findMany({ model, where, limit, sortBy, offset }) {
          let records = await find(model, where);
          if (sortBy) {
            const direction = sortBy.direction === 'asc' ? 1 : -1;
            records = records.sort(
              (a, b) => direction * compareValues(a[sortBy.field], b[sortBy.field]),
            );
          }
          return records.slice(offset ?? 0, (offset ?? 0) + limit) as never[];
        },
        async count({ model, where }) {
          return (await find(model, where)).length;
        },
        async update({ model, where, update }) {
          const [first] = await find(model, where);
          if (!first) return null;
          const updated = { ...first, ...(update as Record<string, unknown>) } as AuthRecord;
          // Deleted since it was read (a session signed out everywhere): not written back.
          const written = await store.replace(authModel(model), first, updated);
          return (written ?? null) as never;
        },
        async updateMany({ model, where, update }) {
          const records = await find(model, where);
          let updated = 0;
          for (const record of records) {
            const next = { ...record, ...update } as AuthRecord;
            if (await store.replace(authModel(model), record, next)) updated += 1;
          }
          return updated;
        },
        async delete({ model, where }) {
          for (const record of await find(model, where))
            await store.delete(authModel(model), record);
        },
        async deleteMany({ model, where }) {
          const records = await find(model, where);
          for (const record of records) await store.delete(authModel(model), record);
          return records.length;
        },
      };
    },
  });
}

/**
 * The trace list's reads by trace id from trace_list_documents (migration 0019) against the
 * embedded ClickHouse engine: a user's or session's history and a text search that the
 * candidate source alone decides are paged from their traces' documents, and every other page
 * reads its rows from them by id. Each case compares with the same question answered by
 * trace_details' aggregates (a condition true of every trace, latency ≥ 0, sends it there).
 * Each test owns its project ids.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanItemInput } from '@sightline/sdk/contract';
import { buildSpan, hex, storedSpanRow } from '../../test/helpers/factories.ts';
import { parseServerEnv } from '../config/env.ts';
import { openEmbeddedClickHouse, type EmbeddedClickHouse } from './clickhouseClient.ts';
import { insertRows } from './insertRows.ts';
import { loadMigrations, runMigrations } from './migrate.ts';
import { searchTraces, type TraceListRow } from './traceSearchRepository.ts';

let home: string;
let embedded: EmbeddedClickHouse;
let client: ClickHouseClient;

// Two days ago on a whole hour: inside the retention TTL, and minute buckets line up.
const BASE = Math.floor((Date.now() - 2 * 86_400_000) / 3_600_000) * 3_600_000;
const range = { from: new Date(BASE - 6 * 3_600_000), to: new Date(BASE + 3_600_000) };

type SearchArgs = Parameters<typeof searchTraces>[1];
type Filter = Omit<SearchArgs['filter'], 'range'> & { range?: SearchArgs['filter']['range'] };

function row(project: string, span: SpanItemInput) {
  return storedSpanRow(span, project, BASE + 10_000);
}

function text(content: string) {
  return [{ role: 'user' as const, parts: [{ type: 'text' as const, content }] }];
}

/** One single-span trace of `project`, starting at `startMs` (fractions are microseconds). */
function trace(project: string, startMs: number, overrides: Partial<SpanItemInput> = {}) {
  return row(
    project,
    buildSpan({ startTime: startMs, endTime: startMs + 500, usage: undefined, ...overrides }),
  );
}

async function insertSpans(rows: ReturnType<typeof row>[]): Promise<void> {
  await insertRows(client, { table: 'spans', rows, issuedBy: 'test' });
}

/** Every page of a search, newest first, following the cursors. */
async function pages(
  filter: Filter,
  limit: number,
  candidateLimit?: number,
): Promise<{ rows: TraceListRow[]; nextCursor: string | null }[]> {
  const seen: { rows: TraceListRow[]; nextCursor: string | null }[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 40; page += 1) {
    const result = await searchTraces(client, {
      filter: { range, ...filter },
      sort: { field: 'start_time', direction: 'desc' },
      limit,
      ...(cursor ? { cursor } : {}),
      ...(candidateLimit ? { candidateLimit } : {}),
    });
    seen.push(result);
    if (!result.nextCursor) break;
    cursor = result.nextCursor;
  }
  return seen;
}

const ids = (result: { rows: TraceListRow[] }[]) =>
  result.map((page) => page.rows.map((entry) => entry.traceId));

// A project whose spans were stored before 0019: its documents exist only once 0019's backfill
// has copied them (docs/deploy.md: the copy takes ~20 s per 10 million spans, ingest running).
const preexistingProject = `p-${hex(6)}`;
const preexisting = { old: [hex(16), hex(16)], recent: [hex(16), hex(16), hex(16)] };

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'sightline-trace-list-documents-'));
  embedded = await openEmbeddedClickHouse(parseServerEnv({ SIGHTLINE_HOME: home }));
  client = embedded.client;
  const migrations = await loadMigrations();
  await runMigrations(
    client,
    migrations.filter((migration) => migration.version < 19),
  );
  // Two traces (the newest of the project) stored before 0019 runs.
  await insertSpans(
    preexisting.old.map((traceId, index) =>
      trace(preexistingProject, BASE + 30 * 60_000 + index * 1_000, {
        traceId,
        userId: 'u-pre',
        environment: 'prod',
      }),
    ),
  );
  // 0019 as it stands while its backfill has not yet reached those rows.
  await runMigrations(
    client,
    migrations.map((migration) =>
      migration.version === 19
        ? {
            ...migration,
            statements: migration.statements.filter((sql) => !sql.startsWith('INSERT')),
          }
        : migration,
    ),
  );
  await insertSpans(
    preexisting.recent.map((traceId, index) =>
      trace(preexistingProject, BASE + index * 1_000, {
        traceId,
        userId: 'u-pre',
        environment: 'prod',
      }),
    ),
  );
});

afterAll(async () => {
  await client?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('trace_list_documents: what the candidate source implies', () => {
  const project = `p-${hex(6)}`;

  beforeAll(async () => {
    // Spans without a user whose text matches; one span with a user that matches too.
    await insertSpans([
      trace(project, BASE + 1_000, {
        userId: undefined,
        sessionId: undefined,
        inputMessages: text('refund please'),
      }),
      trace(project, BASE + 2_000, {
        userId: undefined,
        sessionId: undefined,
        inputMessages: text('a refund now'),
      }),
      trace(project, BASE + 3_000, { userId: 'u-a', inputMessages: text('refund for u-a') }),
    ]);
  });

  // A span without a user matches `user_id = ''`, but trace_details' user set never holds ''
  // (groupUniqArrayIf(user_id, user_id != '')): no trace has the empty user, and the source
  // must not be taken to imply it.
  it.each([
    ['userId', { userId: '' }],
    ['sessionId', { sessionId: '' }],
  ] as const)(
    'a text search with an empty %s answers as the per-trace aggregates do',
    async (_name, extra) => {
      const filter = { projectId: project, text: 'refund', ...extra };
      const fromDocuments = await pages(filter, 10);
      const fromAggregates = await pages({ ...filter, latencyMinMs: 0 }, 10);
      expect(ids(fromDocuments)).toEqual(ids(fromAggregates));
    },
  );
});

describe('trace_list_documents: ties, cursors and projects', () => {
  // Traces starting in the same microsecond paged one at a time across steps of one candidate
  // row, and a trace id stored in two projects.
  const project = `p-${hex(6)}`;
  const otherProject = `p-${hex(6)}`;
  const shared = hex(16);
  const tie = BASE + 1_800_000.001;

  beforeAll(async () => {
    const tied = Array.from({ length: 5 }, () =>
      trace(project, tie, { userId: 'u-tie', sessionId: 's-tie', inputMessages: text('tie') }),
    );
    await insertSpans([
      ...tied,
      trace(project, tie + 0.001, {
        userId: 'u-tie',
        sessionId: 's-tie',
        inputMessages: text('tie'),
      }),
      trace(project, tie - 0.001, {
        userId: 'u-tie',
        sessionId: 's-tie',
        inputMessages: text('tie'),
      }),
      trace(project, BASE + 60_000, {
        traceId: shared,
        userId: 'u-tie',
        sessionId: 's-tie',
        name: 'mine',
        inputMessages: text('tie'),
      }),
      trace(otherProject, BASE - 3_600_000, {
        traceId: shared,
        userId: 'u-tie',
        sessionId: 's-tie',
        name: 'theirs',
        inputMessages: text('tie'),
      }),
    ]);
  });

  it.each([
    // Unfiltered: the newest page's path through trace_list_rows (its own cursor condition).
    ['the whole project', {}, 1, 1],
    ['a user', { userId: 'u-tie' }, 1, 1],
    ['a session', { sessionId: 's-tie' }, 2, 1],
    ['a word', { text: 'tie' }, 1, 1],
    ['a word of a user', { text: 'tie', userId: 'u-tie' }, 3, 2],
  ] as const)(
    'pages %s’s traces that start in one microsecond as the aggregates do (%j, %i a page)',
    async (_what, extra, limit, candidateLimit) => {
      const filter = { projectId: project, ...extra };
      const fromDocuments = await pages(filter, limit, candidateLimit);
      const fromAggregates = await pages({ ...filter, latencyMinMs: 0 }, limit, candidateLimit);
      const listed = fromDocuments.flatMap((page) => page.rows);
      expect(listed).toHaveLength(8);
      // Five start in one microsecond, two one microsecond either side of it.
      expect(new Set(listed.map((entry) => entry.startTime)).size).toBe(4);
      expect(fromDocuments.map((page) => page.rows)).toEqual(
        fromAggregates.map((page) => page.rows),
      );
      const shown = listed.find((entry) => entry.traceId === shared);
      expect(shown?.name).toBe('mine');
      expect(shown?.spanCount).toBe(1);
    },
  );
});

describe('trace_list_documents: traces whose documents are not there yet', () => {
  // While 0019's backfill has not reached a trace (or whenever its documents are missing while
  // trace_details holds it), a page read by id must not drop it: trace_details answers for it.
  it('a filtered list by time returns every trace trace_details holds, a full first page', async () => {
    const first = await searchTraces(client, {
      filter: { projectId: preexistingProject, range, environment: 'prod' },
      sort: { field: 'start_time', direction: 'desc' },
      limit: 2,
    });
    expect(first.nextCursor).not.toBeNull();
    expect(first.rows.map((entry) => entry.traceId)).toEqual([...preexisting.old].reverse());
  });

  it('a user’s history from documents lists what the per-trace aggregates list', async () => {
    const filter = { projectId: preexistingProject, userId: 'u-pre' };
    const fromDocuments = await pages(filter, 10);
    const fromAggregates = await pages({ ...filter, latencyMinMs: 0 }, 10);
    expect(ids(fromAggregates).flat()).toHaveLength(5);
    expect(ids(fromDocuments)).toEqual(ids(fromAggregates));
  });
});

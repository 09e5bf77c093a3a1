/**
 * Seeds the explore pages' browser tests: a small, hand-countable set of traces in the demo
 * project (models, users, a session, two prompt versions, errors, tags, prices), one trace
 * whose content is hostile (markup, script URLs, control characters, a huge string, invalid
 * UTF-8, JSON nested thousands of levels deep) with findings and an eval score, and a trace
 * in another project that must never show up. Rows go straight into ClickHouse through the
 * spans repository, so the metrics rollups see them as they see ingest's inserts.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { SpanItemSchema, type SpanItemInput } from '@sightline/sdk/contract';
import { toDateTime64 } from '../../functions/store/dateTime.ts';
import { insertRows } from '../../functions/store/insertRows.ts';
import { toSpanRow } from '../../functions/store/spanRows.ts';
import { insertSpans } from '../../functions/store/spansRepository.ts';
import { buildSpan, hex } from '../helpers/factories.ts';

export const HOSTILE_MARKER = 'window.__pwned=1';
export const HUGE_TEXT_CHARS = 1_000_000;
export const HOSTILE_EMAIL = 'eve@example.com';

export interface ExploreSeed {
  projectId: string;
  otherProjectId: string;
  /** Model calls in the demo project, all inside the last hour. */
  requests: number;
  errors: number;
  traceIds: string[];
  hostileTraceId: string;
  hostileToolSpanId: string;
  otherTraceId: string;
  otherUserId: string;
  /** How many demo traces each user made. */
  tracesByUser: Record<string, number>;
  claudeTraces: number;
}

interface Enrichment {
  cost_usd?: number | null;
  pii_types?: string[];
  pii_count?: number;
}

function rowOf(span: SpanItemInput, projectId: string, enrichment: Enrichment = {}) {
  return {
    ...toSpanRow(SpanItemSchema.parse(span), {
      projectId,
      ingestKeyId: 'ik_browser_test',
      sdkName: 'browser-test',
      sdkVersion: '0',
      shardId: 'shard-0',
      sequenceNumber: '1',
      ingestedAt: Date.now(),
      retentionDays: 90,
    }),
    cost_usd: enrichment.cost_usd ?? null,
    pii_types: enrichment.pii_types ?? [],
    pii_count: enrichment.pii_count ?? 0,
  };
}

const text = (role: 'user' | 'assistant', content: string) => ({
  role,
  parts: [{ type: 'text' as const, content }],
});

export async function seedExploreData(
  client: ClickHouseClient,
  projectId: string,
): Promise<ExploreSeed> {
  const now = Date.now();
  const otherProjectId = `other-${hex(4)}`;
  const rows = [];
  const traceIds: string[] = [];
  const tracesByUser: Record<string, number> = {};
  let errors = 0;
  let claudeTraces = 0;

  // Ten ordinary model calls over the last ~40 minutes.
  for (let index = 0; index < 10; index += 1) {
    const traceId = hex(16);
    traceIds.push(traceId);
    const userId = index % 2 === 0 ? 'user-alice' : 'user-bob';
    tracesByUser[userId] = (tracesByUser[userId] ?? 0) + 1;
    const claude = index >= 6;
    if (claude) claudeTraces += 1;
    const failed = index === 3 || index === 7;
    if (failed) errors += 1;
    const start = now - (40 - index * 4) * 60_000;
    rows.push(
      rowOf(
        buildSpan({
          traceId,
          name: index % 3 === 0 ? 'checkout-assistant' : 'support-chat',
          startTime: start,
          endTime: start + 400 + 100 * index,
          status: failed ? { code: 'error', message: 'upstream timeout' } : { code: 'ok' },
          provider: claude ? 'anthropic' : 'openai',
          requestModel: claude ? 'claude-3-5-haiku' : 'gpt-4o-mini',
          responseModel: claude ? 'claude-3-5-haiku-20241022' : 'gpt-4o-mini-2024-07-18',
          usage: { inputTokens: 100 + index, outputTokens: 50 },
          userId,
          sessionId: userId === 'user-alice' ? 'session-alice-1' : `session-bob-${index}`,
          prompt: { name: 'support', version: index < 5 ? '1' : '2' },
          environment: index % 4 === 0 ? 'staging' : 'production',
          tags: index % 3 === 0 ? ['checkout'] : [],
          inputMessages: [text('user', `Question number ${index} about my order`)],
          outputMessages: [text('assistant', `Answer number ${index}: it ships tomorrow.`)],
        }),
        projectId,
        { cost_usd: 0.001 * (index + 1) },
      ),
    );
  }

  // The hostile trace: a model call whose every text field is an attack, and a tool span
  // whose text is invalid UTF-8 once stored.
  const hostileTraceId = hex(16);
  const hostileRootSpanId = hex(8);
  const hostileToolSpanId = hex(8);
  traceIds.push(hostileTraceId);
  tracesByUser['user-mallory'] = 1;
  const hostileStart = now - 5 * 60_000;
  const userText = `<script>${HOSTILE_MARKER}</script><img src=x onerror="${HOSTILE_MARKER}"> write to ${HOSTILE_EMAIL} \u202Egnp.exe \u0000\u0007\u001b[31m red`;
  const hostileRoot = rowOf(
    buildSpan({
      traceId: hostileTraceId,
      spanId: hostileRootSpanId,
      name: `<img src=x onerror="${HOSTILE_MARKER}">`,
      startTime: hostileStart,
      endTime: hostileStart + 900,
      requestModel: 'gpt-4o-mini',
      responseModel: 'gpt-4o-mini',
      userId: 'user-mallory',
      sessionId: 'session-mallory',
      environment: 'production',
      tags: ['<b>bold</b>'],
      metadata: { note: `<iframe src="javascript:${HOSTILE_MARKER}"></iframe>` },
    }),
    projectId,
    { cost_usd: null, pii_types: ['EMAIL'], pii_count: 1 },
  );
  // Content beyond what the wire contract lets an SDK send: the store is what the page reads.
  hostileRoot.input_messages = JSON.stringify([
    {
      role: 'user',
      parts: [
        { type: 'text', content: userText },
        { type: 'media', mimeType: 'text/html', uri: `javascript:${HOSTILE_MARKER}` },
        { type: 'text', content: 'A'.repeat(HUGE_TEXT_CHARS) },
      ],
    },
  ]);
  hostileRoot.output_messages = JSON.stringify([
    {
      role: 'assistant',
      parts: [
        {
          type: 'text',
          content: `[click me](javascript:${HOSTILE_MARKER}) <a href="javascript:${HOSTILE_MARKER}">link</a>`,
        },
        {
          type: 'tool_call',
          id: 'call_1',
          name: '<svg onload=alert(1)>',
          arguments: `{"html":"<script>${HOSTILE_MARKER}</script>"}`,
        },
      ],
    },
  ]);
  hostileRoot.request_params = '['.repeat(50_000) + ']'.repeat(50_000);
  rows.push(hostileRoot);
  const hostileTool = rowOf(
    buildSpan({
      traceId: hostileTraceId,
      spanId: hostileToolSpanId,
      parentSpanId: hostileRootSpanId,
      name: 'lookup_order',
      kind: 'tool',
      startTime: hostileStart + 100,
      endTime: hostileStart + 300,
      status: { code: 'error', message: 'INVALID_UTF8_HERE' },
      userId: 'user-mallory',
      inputMessages: [],
      outputMessages: [text('assistant', 'tool said INVALID_UTF8_HERE')],
    }),
    projectId,
  );
  rows.push(hostileTool);

  // Another project's trace: nobody in the demo project may see it.
  const otherTraceId = hex(16);
  const otherUserId = 'user-of-the-other-project';
  rows.push(
    rowOf(
      buildSpan({
        traceId: otherTraceId,
        name: 'other-project-secret-call',
        startTime: now - 10 * 60_000,
        endTime: now - 10 * 60_000 + 500,
        userId: otherUserId,
        inputMessages: [text('user', 'other project confidential question')],
      }),
      otherProjectId,
      { cost_usd: 5 },
    ),
  );

  await insertSpans(client, rows);

  // Invalid UTF-8 cannot be written from a JavaScript string, so the tool span is written
  // again by ClickHouse itself with raw bytes; its newer ingested_at replaces the first copy.
  // A tool span is no model call, so the metrics rollups count neither copy.
  await client.command({
    query: `INSERT INTO spans SELECT * REPLACE (
        replaceAll(status_message, 'INVALID_UTF8_HERE', unhex('C328FFFEE282')) AS status_message,
        replaceAll(output_messages, 'INVALID_UTF8_HERE', unhex('C328FFFEE282')) AS output_messages,
        ingested_at + toIntervalSecond(1) AS ingested_at)
      FROM spans FINAL
      WHERE project_id = {projectId:String} AND span_id = {spanId:String}`,
    query_params: { projectId, spanId: hostileToolSpanId },
  });

  const emailStart = userText.indexOf(HOSTILE_EMAIL);
  const finding = {
    project_id: projectId,
    trace_id: hostileTraceId,
    span_id: hostileRootSpanId,
    category: 'pii',
    type: 'EMAIL',
    field: 'input',
    message_index: 0,
    part_index: 0,
    start: emailStart,
    end: emailStart + HOSTILE_EMAIL.length,
    score: 0.99,
    detector_id: 'pii-regex',
    detector_version: '1',
    created_at: toDateTime64(now),
  };
  await insertRows(client, {
    table: 'findings',
    rows: [
      finding,
      // Offsets from a buggy detector must not break the page.
      { ...finding, type: 'PHONE_NUMBER', start: 4_000_000_000, end: 4_000_000_100 },
    ],
    issuedBy: 'test.seedFindings',
  });
  // Prompt v1 scores 0.6 on helpfulness, v2 0.8 (passing from 0.7).
  const ordinaryScores = traceIds.slice(0, 10).map((traceId, index) => ({
    project_id: projectId,
    trace_id: traceId,
    span_id: '',
    evaluator: 'helpfulness',
    evaluator_version: '1',
    value: index < 5 ? 0.6 : 0.8,
    passed: index >= 5,
    label: '',
    comment: '',
    created_at: toDateTime64(now),
  }));
  await insertRows(client, {
    table: 'eval_scores',
    rows: [
      ...ordinaryScores,
      {
        project_id: projectId,
        trace_id: hostileTraceId,
        span_id: hostileRootSpanId,
        evaluator: 'helpfulness',
        evaluator_version: '1',
        value: 0.25,
        passed: false,
        label: 'unhelpful',
        comment: `<script>${HOSTILE_MARKER}</script>`,
        created_at: toDateTime64(now),
      },
    ],
    issuedBy: 'test.seedEvalScores',
  });

  return {
    projectId,
    otherProjectId,
    requests: 11,
    errors,
    traceIds,
    hostileTraceId,
    hostileToolSpanId,
    otherTraceId,
    otherUserId,
    tracesByUser,
    claudeTraces,
  };
}

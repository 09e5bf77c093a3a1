/**
 * The trace explorer's reads, one function per read, shared by the pages and the
 * `/api/v1/projects/{projectId}/traces` routes. Both take the caller's access: without
 * `traces:read_content` the message text, previews and raw values are blanked on the server
 * (never merely hidden in the page), and searching text is refused, since matches would
 * reveal it.
 */
import {
  getTraceAnnotations,
  type TraceAnnotations,
} from '../../../../../functions/store/traceAnnotationsRepository.ts';
import { getTraceSpans } from '../../../../../functions/store/spansRepository.ts';
import {
  searchTraces,
  type TraceSearchFilter,
} from '../../../../../functions/store/traceSearchRepository.ts';
import { clickHouseErrorOf } from '../../../../../functions/store/clickhouseErrors.ts';
import type { ClickHouseClient } from '@clickhouse/client';
import { allows, type ProjectAccess } from '../../../server/access/requireAccess.ts';
import { ApiError } from '../../../server/api/apiErrors.ts';
import {
  resolveTimeRange,
  type ResolvedTimeRange,
} from '../../../components/timeRange/timeRange.ts';
import {
  TRACE_CONTENT_FIELDS,
  type EvalScoreView,
  type FindingView,
  type TraceDetailResponse,
  type TraceListResponse,
  type TraceSearchQuery,
  type TraceSpanView,
} from '../api/operations.ts';
import { withClickHouse } from '../../../server/clickhouse.ts';
import { toNumber, toTraceSpanView } from './spanItems.ts';

export function canReadContent(access: ProjectAccess): boolean {
  return allows(access, 'traces:read_content');
}

/** The repository filter a validated query means, over a resolved window. */
export function traceFilterFor(
  projectId: string,
  query: TraceSearchQuery,
  range: ResolvedTimeRange,
): TraceSearchFilter {
  const filter: TraceSearchFilter = { projectId, range: { from: range.from, to: range.to } };
  if (query.model?.length) filter.models = query.model;
  if (query.status) filter.status = query.status;
  if (query.userId) filter.userId = query.userId;
  if (query.sessionId) filter.sessionId = query.sessionId;
  if (query.promptName) filter.promptName = query.promptName;
  if (query.promptVersion) filter.promptVersion = query.promptVersion;
  if (query.environment) filter.environment = query.environment;
  if (query.tag?.length) filter.tags = query.tag;
  if (query.hasPii) filter.hasPii = query.hasPii === 'true';
  if (query.piiType) filter.piiType = query.piiType;
  if (query.evalName) filter.evalName = query.evalName;
  if (query.evalScoreMin !== undefined) filter.evalScoreMin = query.evalScoreMin;
  if (query.evalScoreMax !== undefined) filter.evalScoreMax = query.evalScoreMax;
  if (query.costMin !== undefined) filter.costMin = query.costMin;
  if (query.costMax !== undefined) filter.costMax = query.costMax;
  if (query.latencyMinMs !== undefined) filter.latencyMinMs = query.latencyMinMs;
  if (query.latencyMaxMs !== undefined) filter.latencyMaxMs = query.latencyMaxMs;
  if (query.text) {
    filter.text = query.text;
    filter.textMode = query.textMode;
  }
  return filter;
}

export async function readTraceList(
  access: ProjectAccess,
  query: TraceSearchQuery,
  range: ResolvedTimeRange = resolveTimeRange(query),
): Promise<TraceListResponse> {
  const contentHidden = !canReadContent(access);
  if (contentHidden && query.text) {
    throw new ApiError(
      'FORBIDDEN',
      'Searching message text needs the traces:read_content permission.',
    );
  }
  const filter = traceFilterFor(access.projectId, query, range);
  const page = await withClickHouse((client) =>
    searchTraces(client, {
      filter,
      sort: { field: query.sort, direction: query.direction },
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    }),
  );
  const rows = contentHidden ? page.rows.map(withoutPreviews) : page.rows;
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    rows,
    nextCursor: page.nextCursor,
    contentHidden,
  };
}

/**
 * Reads the tables the enrichment stage fills; until their migration exists the trace simply
 * has no findings and no eval scores.
 */
async function readAnnotations(
  client: ClickHouseClient,
  trace: { projectId: string; traceId: string },
): Promise<TraceAnnotations> {
  try {
    return await getTraceAnnotations(client, trace);
  } catch (error) {
    // 60: UNKNOWN_TABLE.
    if (clickHouseErrorOf(error)?.code === '60') return { findings: [], evalScores: [] };
    throw error;
  }
}

/** A span as a role without `traces:read_content` may see it: no text a user or model wrote. */
export function withoutContent(span: TraceSpanView): TraceSpanView {
  const blanked: TraceSpanView = { ...span, metadata: {} };
  for (const field of TRACE_CONTENT_FIELDS) blanked[field] = '';
  return blanked;
}

/** A trace list row without its input and output previews. */
export function withoutPreviews<R extends { inputPreview: string; outputPreview: string }>(
  row: R,
): R {
  return { ...row, inputPreview: '', outputPreview: '' };
}

/** One trace of the caller's project; `null` when the project has no span with this id. */
export async function readTrace(
  access: ProjectAccess,
  traceId: string,
): Promise<TraceDetailResponse | null> {
  const contentHidden = !canReadContent(access);
  const { projectId } = access;
  const [spans, { findings, evalScores }] = await withClickHouse((client) =>
    Promise.all([
      getTraceSpans(client, { projectId, traceId }),
      readAnnotations(client, { projectId, traceId }),
    ]),
  );
  if (spans.length === 0) return null;
  return {
    traceId,
    contentHidden,
    spans: spans.map((row) =>
      contentHidden ? withoutContent(toTraceSpanView(row)) : toTraceSpanView(row),
    ),
    findings: findings.map((row): FindingView => ({
      spanId: row.span_id,
      category: row.category,
      type: row.type,
      field: row.field,
      messageIndex: toNumber(row.message_index),
      partIndex: toNumber(row.part_index),
      start: toNumber(row.start),
      end: toNumber(row.end),
      score: toNumber(row.score),
      detector: `${row.detector_id}@${row.detector_version}`,
    })),
    evalScores: evalScores.map((row): EvalScoreView => ({
      spanId: row.span_id,
      evaluator: row.evaluator,
      evaluatorVersion: row.evaluator_version,
      value: toNumber(row.value),
      passed: row.passed === null || row.passed === undefined ? null : Boolean(row.passed),
      label: row.label,
      comment: contentHidden ? '' : row.comment,
    })),
  };
}

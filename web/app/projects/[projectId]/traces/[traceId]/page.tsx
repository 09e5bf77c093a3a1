/**
 * `/projects/<id>/traces/<traceId>`: one trace — span tree and timeline, the selected span in
 * full (conversation with findings marked, tool calls, parameters, usage and cost, eval
 * scores, raw JSON), and links to the user's other traces and the session.
 */
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ErrorPanel } from '../../../../../src/components/ErrorPanel.tsx';
import { formatCost } from '../../../../../src/components/format/humanFormat.ts';
import { explorePageProblem } from '../../../../../src/components/pageProblem.ts';
import { explorePaths } from '../../../../../src/components/url/projectLinks.ts';
import {
  hrefWith,
  queryValues,
  type PageSearchParams,
} from '../../../../../src/components/url/queryString.ts';
import { SpanDetails } from '../../../../../src/features/traces/components/SpanDetails.tsx';
import { TraceWaterfall } from '../../../../../src/features/traces/components/TraceWaterfall.tsx';
import { SPAN_ID_PATTERN, TRACE_ID_PATTERN } from '../../../../../src/features/traces/constants.ts';
import {
  formatCount,
  formatDuration,
  formatTimestamp,
} from '../../../../../src/features/traces/displayFormat.ts';
import { buildSpanTree } from '../../../../../src/features/traces/server/buildSpanTree.ts';
import { toTraceSpanItem } from '../../../../../src/features/traces/server/spanItems.ts';
import { readTrace } from '../../../../../src/features/traces/server/traceReads.ts';
import type { TraceSpanItem } from '../../../../../src/features/traces/types.ts';
import type { TraceDetailResponse } from '../../../../../src/features/traces/api/operations.ts';
import { requirePageAccess } from '../../../../../src/server/access/requireAccess.ts';

export const dynamic = 'force-dynamic';

interface TracePageProps {
  params: Promise<{ projectId: string; traceId: string }>;
  searchParams: Promise<PageSearchParams>;
}

export async function generateMetadata({ params }: TracePageProps): Promise<Metadata> {
  const { traceId } = await params;
  const label = TRACE_ID_PATTERN.test(traceId) ? `Trace ${traceId.slice(0, 8)}` : 'Trace';
  return { title: `${label} · Sightline` };
}

function traceWindow(spans: readonly TraceSpanItem[]): { startMs: number; endMs: number } {
  let startMs = Number.POSITIVE_INFINITY;
  let endMs = Number.NEGATIVE_INFINITY;
  for (const span of spans) {
    if (Number.isFinite(span.startMs)) startMs = Math.min(startMs, span.startMs);
    if (Number.isFinite(span.endMs)) endMs = Math.max(endMs, span.endMs);
  }
  if (!Number.isFinite(startMs)) return { startMs: Number.NaN, endMs: Number.NaN };
  return { startMs, endMs: Number.isFinite(endMs) ? endMs : startMs };
}

/** The first non-empty value of a field across the spans (root first). */
function firstOf(spans: readonly TraceSpanItem[], pick: (span: TraceSpanItem) => string): string {
  for (const span of spans) {
    const value = pick(span);
    if (value) return value;
  }
  return '';
}

export default async function TracePage({ params, searchParams }: TracePageProps) {
  const { projectId, traceId } = await params;
  const access = await requirePageAccess(projectId, 'traces:read');
  if (!TRACE_ID_PATTERN.test(traceId)) notFound();
  const query = queryValues(await searchParams);
  const listQuery = { range: query.range, from: query.from, to: query.to };

  let trace: TraceDetailResponse | null;
  try {
    trace = await readTrace(access, traceId);
  } catch (error) {
    const problem = explorePageProblem(error);
    if (!problem) throw error;
    return (
      <main>
        <ErrorPanel problem={problem} />
      </main>
    );
  }
  if (!trace) notFound();

  const spans = trace.spans.map(toTraceSpanItem);
  const entries = buildSpanTree(spans);
  const root = entries[0]?.span;
  if (!root) notFound();
  const ordered = entries.map((entry) => entry.span);

  const requestedSpan = typeof query.span === 'string' ? query.span : undefined;
  const selected =
    (requestedSpan && SPAN_ID_PATTERN.test(requestedSpan)
      ? spans.find((span) => span.span_id === requestedSpan)
      : undefined) ?? root;
  const { startMs, endMs } = traceWindow(spans);
  const errors = spans.filter((span) => span.status_code === 'error').length;
  const inputTokens = spans.reduce((sum, span) => sum + span.input_tokens, 0);
  const outputTokens = spans.reduce((sum, span) => sum + span.output_tokens, 0);
  const priced = spans.filter((span) => span.cost_usd !== null);
  const cost =
    priced.length === 0 ? null : priced.reduce((sum, span) => sum + (span.cost_usd ?? 0), 0);
  const userId = firstOf(ordered, (span) => span.user_id);
  const sessionId = firstOf(ordered, (span) => span.session_id);
  // Scores and findings about the whole trace (no span id) belong with its root span.
  const belongsToSelected = (spanId: string) =>
    spanId === selected.span_id || (spanId === '' && selected === root);
  const findingsBySpan = trace.findings.filter((finding) => belongsToSelected(finding.spanId));
  const scoresBySpan = trace.evalScores.filter((score) => belongsToSelected(score.spanId));

  return (
    <main>
      <p className="breadcrumb">
        <Link href={hrefWith(explorePaths.traces(projectId), listQuery)}>← Traces</Link>
      </p>
      <div className="page-title">
        <h1>{root.name}</h1>
        <span className="mono muted">{traceId}</span>
      </div>
      <dl className="trace-summary">
        <div>
          <dt>Started</dt>
          <dd>{formatTimestamp(startMs)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(endMs - startMs)}</dd>
        </div>
        <div>
          <dt>Spans</dt>
          <dd>{formatCount(spans.length)}</dd>
        </div>
        <div>
          <dt>Errors</dt>
          <dd className={errors > 0 ? 'error-text' : undefined}>{formatCount(errors)}</dd>
        </div>
        <div>
          <dt>Tokens in / out</dt>
          <dd>
            {formatCount(inputTokens)} / {formatCount(outputTokens)}
          </dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd>
            {formatCost({
              costUsd: cost,
              requests: spans.length,
              unpricedRequests: spans.length - priced.length,
            })}
          </dd>
        </div>
        <div>
          <dt>Findings</dt>
          <dd className={trace.findings.length > 0 ? 'error-text' : undefined}>
            {formatCount(trace.findings.length)}
          </dd>
        </div>
        <div>
          <dt>User</dt>
          <dd>
            {userId ? (
              <>
                <Link href={explorePaths.user(projectId, userId)} className="ellipsis-inline">
                  {userId}
                </Link>{' '}
                <Link
                  className="muted"
                  href={hrefWith(explorePaths.traces(projectId), { ...listQuery, userId })}
                >
                  (other traces)
                </Link>
              </>
            ) : (
              '—'
            )}
          </dd>
        </div>
        <div>
          <dt>Session</dt>
          <dd>
            {sessionId ? (
              <Link href={explorePaths.session(projectId, sessionId)} className="ellipsis-inline">
                {sessionId}
              </Link>
            ) : (
              '—'
            )}
          </dd>
        </div>
      </dl>
      <TraceWaterfall
        projectId={projectId}
        entries={entries}
        window={{ startMs, durationMs: endMs - startMs }}
        selectedSpanId={selected.span_id}
      />
      <SpanDetails
        span={selected}
        findings={findingsBySpan}
        evalScores={scoresBySpan}
        contentHidden={trace.contentHidden}
      />
    </main>
  );
}

/** `/traces/<traceId>`: one trace's span tree and timeline, and the selected span in full. */
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AppHeader } from '../../../src/components/AppHeader.tsx';
import { ErrorPanel } from '../../../src/components/ErrorPanel.tsx';
import { SpanDetails } from '../../../src/features/traces/components/SpanDetails.tsx';
import { TraceWaterfall } from '../../../src/features/traces/components/TraceWaterfall.tsx';
import { tracesListHref } from '../../../src/features/traces/components/traceLinks.ts';
import { SPAN_ID_PATTERN, TRACE_ID_PATTERN } from '../../../src/features/traces/constants.ts';
import {
  formatCount,
  formatDuration,
  formatTimestamp,
} from '../../../src/features/traces/displayFormat.ts';
import { buildSpanTree } from '../../../src/features/traces/server/buildSpanTree.ts';
import { loadTrace } from '../../../src/features/traces/server/loadTrace.ts';
import type { TraceSpanItem } from '../../../src/features/traces/types.ts';
import { pageProblemFor } from '../../../src/server/errors.ts';
import { firstParam, resolveProjectId, type SearchParams } from '../../../src/server/project.ts';

export const dynamic = 'force-dynamic';

interface TracePageProps {
  params: Promise<{ traceId: string }>;
  searchParams: Promise<SearchParams>;
}

export async function generateMetadata({ params }: TracePageProps): Promise<Metadata> {
  const { traceId } = await params;
  const label = TRACE_ID_PATTERN.test(traceId) ? `Trace ${traceId.slice(0, 8)}` : 'Trace';
  return { title: `${label} · Sightline` };
}

function traceWindow(spans: readonly TraceSpanItem[]): { startMs: number; endMs: number } {
  const starts = spans.map((span) => span.startMs).filter(Number.isFinite);
  const ends = spans.map((span) => span.endMs).filter(Number.isFinite);
  const startMs = starts.length > 0 ? Math.min(...starts) : Number.NaN;
  const endMs = ends.length > 0 ? Math.max(...ends) : startMs;
  return { startMs, endMs };
}

export default async function TracePage({ params, searchParams }: TracePageProps) {
  const { traceId } = await params;
  if (!TRACE_ID_PATTERN.test(traceId)) notFound();
  const query = await searchParams;

  let projectId: string | undefined;
  let spans: TraceSpanItem[];
  try {
    projectId = resolveProjectId(query);
    spans = await loadTrace(projectId, traceId);
  } catch (error) {
    const problem = pageProblemFor(error);
    if (!problem) throw error;
    return (
      <>
        <AppHeader projectId={projectId} />
        <main>
          <ErrorPanel problem={problem} />
        </main>
      </>
    );
  }
  const entries = buildSpanTree(spans);
  const root = entries[0]?.span;
  if (!root) notFound();

  const requestedSpan = firstParam(query, 'span');
  const selected =
    (requestedSpan && SPAN_ID_PATTERN.test(requestedSpan)
      ? spans.find((span) => span.span_id === requestedSpan)
      : undefined) ?? root;
  const { startMs, endMs } = traceWindow(spans);
  const errors = spans.filter((span) => span.status_code === 'error').length;
  const inputTokens = spans.reduce((sum, span) => sum + span.input_tokens, 0);
  const outputTokens = spans.reduce((sum, span) => sum + span.output_tokens, 0);

  return (
    <>
      <AppHeader projectId={projectId} />
      <main>
        <p className="breadcrumb">
          <Link href={tracesListHref(projectId)}>← Traces</Link>
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
        </dl>
        <TraceWaterfall
          projectId={projectId}
          entries={entries}
          window={{ startMs, durationMs: endMs - startMs }}
          selectedSpanId={selected.span_id}
        />
        <SpanDetails span={selected} />
      </main>
    </>
  );
}

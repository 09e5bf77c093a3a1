/** `/projects/<id>/traces`: the trace explorer — filters, sorting and pages kept in the URL. */
import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState } from '../../../../src/components/EmptyState.tsx';
import { ErrorPanel } from '../../../../src/components/ErrorPanel.tsx';
import { LiveRefresh } from '../../../../src/components/LiveRefresh.tsx';
import { PageHeader } from '../../../../src/components/PageHeader.tsx';
import { FilterForm } from '../../../../src/components/filters/FilterForm.tsx';
import { TimeRangePicker } from '../../../../src/components/filters/TimeRangePicker.tsx';
import { explorePageProblem } from '../../../../src/components/pageProblem.ts';
import {
  describeTimeRange,
  resolveTimeRange,
} from '../../../../src/components/timeRange/timeRange.ts';
import { explorePaths } from '../../../../src/components/url/projectLinks.ts';
import {
  hrefWith,
  parsePageQuery,
  queryValues,
  type PageSearchParams,
} from '../../../../src/components/url/queryString.ts';
import { TraceSearchQuerySchema } from '../../../../src/features/traces/api/operations.ts';
import { TraceTable } from '../../../../src/features/traces/components/TraceTable.tsx';
import { TRACE_FILTER_FIELDS } from '../../../../src/features/traces/components/traceFilters.ts';
import { readTraceList } from '../../../../src/features/traces/server/traceReads.ts';
import { requirePageAccess } from '../../../../src/server/access/requireAccess.ts';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Traces · Sightline' };

export default async function TracesPage({
  params,
  searchParams,
}: {
  params: Promise<{ projectId: string }>;
  searchParams: Promise<PageSearchParams>;
}) {
  const { projectId } = await params;
  const access = await requirePageAccess(projectId, 'traces:read');
  const raw = await searchParams;
  const query = queryValues(raw);
  const listPath = explorePaths.traces(projectId);

  let body;
  let subtitle: string | undefined;
  try {
    const parsed = parsePageQuery(TraceSearchQuerySchema, raw);
    const range = resolveTimeRange(parsed);
    subtitle = describeTimeRange(range);
    const page = await readTraceList(access, parsed, range);
    body =
      page.rows.length === 0 ? (
        <EmptyState title={parsed.cursor ? 'No more traces' : `No traces match in the ${subtitle}`}>
          <p>
            {parsed.cursor ? (
              <Link href={hrefWith(listPath, query, { cursor: null })}>Back to the first page</Link>
            ) : (
              'Widen the time window or remove some filters.'
            )}
          </p>
        </EmptyState>
      ) : (
        <>
          {page.contentHidden ? (
            <p className="note">Input and output are hidden: your role cannot read content.</p>
          ) : null}
          <TraceTable
            projectId={projectId}
            rows={page.rows}
            sort={parsed.sort}
            direction={parsed.direction}
          />
          <nav className="pager" aria-label="Pages">
            <span className="muted">{page.rows.length} traces on this page</span>
            {parsed.cursor ? (
              <Link href={hrefWith(listPath, query, { cursor: null })}>⇤ First page</Link>
            ) : null}
            {page.nextCursor ? (
              <Link href={hrefWith(listPath, query, { cursor: page.nextCursor })} rel="next">
                Next page →
              </Link>
            ) : null}
          </nav>
        </>
      );
  } catch (error) {
    const problem = explorePageProblem(error);
    if (!problem) throw error;
    body = <ErrorPanel problem={problem} />;
  }

  return (
    <main>
      <PageHeader title="Traces" subtitle={subtitle}>
        <TimeRangePicker />
        <LiveRefresh initiallyPaused={'cursor' in query} />
      </PageHeader>
      <FilterForm fields={TRACE_FILTER_FIELDS} label="Trace filters" />
      {body}
    </main>
  );
}

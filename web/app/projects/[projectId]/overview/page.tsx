/** `/projects/<id>/overview`: the project's metrics for a window and filters kept in the URL. */
import type { Metadata } from 'next';
import Link from 'next/link';
import { ErrorPanel } from '../../../../src/components/ErrorPanel.tsx';
import { LiveRefresh } from '../../../../src/components/LiveRefresh.tsx';
import { PageHeader } from '../../../../src/components/PageHeader.tsx';
import { FilterForm } from '../../../../src/components/filters/FilterForm.tsx';
import { TimeRangePicker } from '../../../../src/components/filters/TimeRangePicker.tsx';
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
import { MetricsQuerySchema } from '../../../../src/features/overview/api/operations.ts';
import { OverviewDashboard } from '../../../../src/features/overview/components/OverviewDashboard.tsx';
import { OVERVIEW_FILTER_FIELDS } from '../../../../src/features/overview/components/overviewFilters.ts';
import { loadOverview } from '../../../../src/features/overview/server/loadOverview.ts';
import { requirePageAccess } from '../../../../src/server/access/requireAccess.ts';
import { explorePageProblem } from '../../../../src/components/pageProblem.ts';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Overview · Sightline' };

export default async function OverviewPage({
  params,
  searchParams,
}: {
  params: Promise<{ projectId: string }>;
  searchParams: Promise<PageSearchParams>;
}) {
  const { projectId } = await params;
  await requirePageAccess(projectId, 'metrics:read');
  const raw = await searchParams;
  const query = queryValues(raw);

  let body;
  let subtitle: string | undefined;
  let pinnedHref: string | undefined;
  try {
    const parsed = parsePageQuery(MetricsQuerySchema, raw);
    const range = resolveTimeRange(parsed);
    subtitle = describeTimeRange(range);
    if (range.preset) {
      pinnedHref = hrefWith(explorePaths.overview(projectId), query, {
        range: null,
        from: range.from.toISOString(),
        to: range.to.toISOString(),
      });
    }
    const data = await loadOverview(projectId, parsed);
    body = <OverviewDashboard projectId={projectId} query={query} data={{ ...data, range }} />;
  } catch (error) {
    const problem = explorePageProblem(error);
    if (!problem) throw error;
    body = <ErrorPanel problem={problem} />;
  }

  return (
    <main>
      <PageHeader title="Overview" subtitle={subtitle}>
        <TimeRangePicker />
        <LiveRefresh />
      </PageHeader>
      <FilterForm fields={OVERVIEW_FILTER_FIELDS} />
      {body}
      {pinnedHref ? (
        <p className="muted share-link">
          This link follows the clock. <Link href={pinnedHref}>Link to this exact window</Link> for
          sharing.
        </p>
      ) : null}
    </main>
  );
}

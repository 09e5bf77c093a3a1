/** `/traces`: the recent spans of a project, newest first, refreshed every few seconds. */
import type { Metadata } from 'next';
import { AppHeader } from '../../src/components/AppHeader.tsx';
import { ErrorPanel } from '../../src/components/ErrorPanel.tsx';
import { AutoRefresh } from '../../src/features/traces/components/AutoRefresh.tsx';
import { RecentSpansTable } from '../../src/features/traces/components/RecentSpansTable.tsx';
import { TRACES_PAGE } from '../../src/features/traces/constants.ts';
import { loadRecentSpans } from '../../src/features/traces/server/loadRecentSpans.ts';
import type { SpanListItem } from '../../src/features/traces/types.ts';
import { pageProblemFor } from '../../src/server/errors.ts';
import { resolveProjectId, type SearchParams } from '../../src/server/project.ts';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Traces · Sightline' };

export default async function TracesPage({
  searchParams,
}: {
  searchParams: Promise<SearchParams>;
}) {
  let projectId: string | undefined;
  let spans: SpanListItem[];
  try {
    projectId = resolveProjectId(await searchParams);
    spans = await loadRecentSpans(projectId);
  } catch (error) {
    const problem = pageProblemFor(error);
    if (!problem) throw error;
    return (
      <>
        <AppHeader projectId={projectId} />
        <main>
          <div className="page-title">
            <h1>Traces</h1>
            <AutoRefresh intervalMs={TRACES_PAGE.refreshIntervalMs} />
          </div>
          <ErrorPanel problem={problem} />
        </main>
      </>
    );
  }

  const days = Math.round(TRACES_PAGE.recentSpansSinceHours / 24);
  return (
    <>
      <AppHeader projectId={projectId} />
      <main>
        <div className="page-title">
          <h1>Traces</h1>
          <span className="muted">
            {spans.length === TRACES_PAGE.recentSpansLimit
              ? `latest ${spans.length} spans`
              : `${spans.length} ${spans.length === 1 ? 'span' : 'spans'}`}{' '}
            in the last {days} days
          </span>
          <AutoRefresh intervalMs={TRACES_PAGE.refreshIntervalMs} />
        </div>
        {spans.length === 0 ? (
          <section className="panel empty">
            <h2>No traces yet — point an SDK at the stack; see README.</h2>
            <p className="muted">
              Nothing arrived for project <code>{projectId}</code> in the last {days} days. This
              page refreshes on its own.
            </p>
          </section>
        ) : (
          <RecentSpansTable projectId={projectId} spans={spans} nowMillis={Date.now()} />
        )}
      </main>
    </>
  );
}

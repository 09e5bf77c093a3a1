/** `/projects/<id>/users/<userId>`: one user's traces over a window, newest first. */
import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState } from '../../../../../src/components/EmptyState.tsx';
import { ErrorPanel } from '../../../../../src/components/ErrorPanel.tsx';
import { PageHeader } from '../../../../../src/components/PageHeader.tsx';
import { TimeRangePicker } from '../../../../../src/components/filters/TimeRangePicker.tsx';
import { explorePageProblem } from '../../../../../src/components/pageProblem.ts';
import {
  describeTimeRange,
  resolveTimeRange,
} from '../../../../../src/components/timeRange/timeRange.ts';
import {
  hrefWith,
  parsePageQuery,
  queryValues,
  type PageSearchParams,
} from '../../../../../src/components/url/queryString.ts';
import { TraceTable } from '../../../../../src/features/traces/components/TraceTable.tsx';
import {
  ExternalIdSchema,
  TracePageQuerySchema,
} from '../../../../../src/features/users/api/operations.ts';
import { readUserTraces } from '../../../../../src/features/users/server/userReads.ts';
import { requirePageAccess } from '../../../../../src/server/access/requireAccess.ts';
import { InvalidRequestError } from '../../../../../src/server/errors.ts';
import { explorePaths, pathParam } from '../../../../../src/components/url/projectLinks.ts';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'User · Sightline' };

export default async function UserPage({
  params,
  searchParams,
}: {
  params: Promise<{ projectId: string; userId: string }>;
  searchParams: Promise<PageSearchParams>;
}) {
  const { projectId, userId: rawUserId } = await params;
  const access = await requirePageAccess(projectId, 'traces:read');
  const userId = pathParam(rawUserId);
  const raw = await searchParams;
  const query = queryValues(raw);
  const path = explorePaths.user(projectId, userId);

  let body;
  let subtitle: string | undefined;
  try {
    if (!ExternalIdSchema.safeParse(userId).success) {
      throw new InvalidRequestError('The user id in the URL is not valid (1 to 256 characters).');
    }
    const parsed = parsePageQuery(TracePageQuerySchema, raw);
    subtitle = describeTimeRange(resolveTimeRange(parsed));
    const page = await readUserTraces(access, userId, parsed);
    body =
      page.traces.length === 0 ? (
        <EmptyState title={`No traces of this user in the ${subtitle}`}>
          <p>Try a longer window.</p>
        </EmptyState>
      ) : (
        <>
          <TraceTable
            projectId={projectId}
            rows={page.traces}
            sort="start_time"
            direction="desc"
            sortable={false}
          />
          <nav className="pager" aria-label="Pages">
            {parsed.cursor ? (
              <Link href={hrefWith(path, query, { cursor: null })}>⇤ Newest</Link>
            ) : null}
            {page.nextCursor ? (
              <Link href={hrefWith(path, query, { cursor: page.nextCursor })} rel="next">
                Older →
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
      <p className="breadcrumb">
        <Link href={explorePaths.users(projectId)}>← Users</Link>
      </p>
      <PageHeader
        title={<span className="ellipsis-inline">User {userId.slice(0, 256)}</span>}
        subtitle={subtitle}
      >
        <TimeRangePicker />
      </PageHeader>
      <p>
        <Link href={hrefWith(explorePaths.traces(projectId), query, { cursor: null, userId })}>
          Search these traces in the explorer
        </Link>
      </p>
      {body}
    </main>
  );
}

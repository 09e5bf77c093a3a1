/** `/projects/<id>/users`: per-user usage, cost and error rate over a window; sortable. */
import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState } from '../../../../src/components/EmptyState.tsx';
import { ErrorPanel } from '../../../../src/components/ErrorPanel.tsx';
import { PageHeader } from '../../../../src/components/PageHeader.tsx';
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
import { UserListQuerySchema } from '../../../../src/features/users/api/operations.ts';
import { UsersTable } from '../../../../src/features/users/components/UsersTable.tsx';
import { readUserList } from '../../../../src/features/users/server/userReads.ts';
import { requirePageAccess } from '../../../../src/server/access/requireAccess.ts';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Users · Sightline' };

export default async function UsersPage({
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
  const listPath = explorePaths.users(projectId);

  let body;
  let subtitle: string | undefined;
  try {
    const parsed = parsePageQuery(UserListQuerySchema, raw);
    const range = resolveTimeRange(parsed);
    subtitle = describeTimeRange(range);
    const page = await readUserList(projectId, parsed, range);
    body =
      page.rows.length === 0 ? (
        <EmptyState title={`No users in the ${subtitle}`}>
          <p>Requests name a user when the SDK is given a user id. Try a longer window.</p>
        </EmptyState>
      ) : (
        <>
          <UsersTable projectId={projectId} rows={page.rows} sort={parsed.sort} query={query} />
          <nav className="pager" aria-label="Pages">
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
      <PageHeader title="Users" subtitle={subtitle}>
        <TimeRangePicker />
      </PageHeader>
      {body}
    </main>
  );
}

/** `/projects/<id>/sessions/<sessionId>`: every trace of a session as one conversation. */
import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState } from '../../../../../src/components/EmptyState.tsx';
import { ErrorPanel } from '../../../../../src/components/ErrorPanel.tsx';
import { PageHeader } from '../../../../../src/components/PageHeader.tsx';
import { TimeRangePicker } from '../../../../../src/components/filters/TimeRangePicker.tsx';
import { explorePageProblem } from '../../../../../src/components/pageProblem.ts';
import { explorePaths, pathParam } from '../../../../../src/components/url/projectLinks.ts';
import {
  hrefWith,
  parsePageQuery,
  queryValues,
  type PageSearchParams,
} from '../../../../../src/components/url/queryString.ts';
import { SessionTimeline } from '../../../../../src/features/users/components/SessionTimeline.tsx';
import {
  ExternalIdSchema,
  TracePageQuerySchema,
} from '../../../../../src/features/users/api/operations.ts';
import { readSession } from '../../../../../src/features/users/server/userReads.ts';
import { requirePageAccess } from '../../../../../src/server/access/requireAccess.ts';
import { InvalidRequestError } from '../../../../../src/server/errors.ts';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Session · Sightline' };

export default async function SessionPage({
  params,
  searchParams,
}: {
  params: Promise<{ projectId: string; sessionId: string }>;
  searchParams: Promise<PageSearchParams>;
}) {
  const { projectId, sessionId: rawSessionId } = await params;
  const access = await requirePageAccess(projectId, 'traces:read');
  const sessionId = pathParam(rawSessionId);
  const raw = await searchParams;
  const query = queryValues(raw);
  const path = explorePaths.session(projectId, sessionId);

  let body;
  let userId = '';
  try {
    if (!ExternalIdSchema.safeParse(sessionId).success) {
      throw new InvalidRequestError(
        'The session id in the URL is not valid (1 to 256 characters).',
      );
    }
    const parsed = parsePageQuery(TracePageQuerySchema, raw);
    const session = await readSession(access, sessionId, parsed);
    userId = session.traces.find((trace) => trace.userId)?.userId ?? '';
    body =
      session.traces.length === 0 ? (
        <EmptyState title="No traces in this session">
          <p>
            None in the window read ({session.from.slice(0, 10)} → {session.to.slice(0, 10)}). Try a
            longer window.
          </p>
        </EmptyState>
      ) : (
        <>
          <SessionTimeline
            projectId={projectId}
            traces={session.traces}
            contentHidden={session.contentHidden}
          />
          {session.nextCursor ? (
            <nav className="pager" aria-label="Pages">
              <Link href={hrefWith(path, query, { cursor: session.nextCursor })} rel="next">
                Later turns →
              </Link>
            </nav>
          ) : null}
        </>
      );
  } catch (error) {
    const problem = explorePageProblem(error);
    if (!problem) throw error;
    body = <ErrorPanel problem={problem} />;
  }

  return (
    <main>
      <PageHeader
        title={<span className="ellipsis-inline">Session {sessionId.slice(0, 256)}</span>}
        subtitle={
          userId ? (
            <Link href={explorePaths.user(projectId, userId)}>user {userId.slice(0, 256)}</Link>
          ) : undefined
        }
      >
        <TimeRangePicker />
      </PageHeader>
      {body}
    </main>
  );
}

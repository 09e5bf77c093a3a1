/** The old `/traces/<traceId>` moved to `/projects/<id>/traces/<traceId>`; old links land there. */
import { redirect } from 'next/navigation';
import { explorePaths } from '../../../src/components/url/projectLinks.ts';
import { firstParam, resolveProjectId, type SearchParams } from '../../../src/server/project.ts';

export const dynamic = 'force-dynamic';

export default async function OldTracePage({
  params,
  searchParams,
}: {
  params: Promise<{ traceId: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { traceId } = await params;
  const query = await searchParams;
  const span = firstParam(query, 'span');
  const target = explorePaths.trace(resolveProjectId(query), traceId);
  redirect(span ? `${target}?${new URLSearchParams({ span }).toString()}` : target);
}

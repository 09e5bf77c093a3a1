/** The old `/traces` list moved to `/projects/<id>/traces`; old links land there. */
import { redirect } from 'next/navigation';
import { explorePaths } from '../../src/components/url/projectLinks.ts';
import { resolveProjectId, type SearchParams } from '../../src/server/project.ts';

export const dynamic = 'force-dynamic';

export default async function OldTracesPage({
  searchParams,
}: {
  searchParams: Promise<SearchParams>;
}) {
  redirect(explorePaths.traces(resolveProjectId(await searchParams)));
}

/** `/` goes to the traces list, keeping the project. */
import { redirect } from 'next/navigation';
import { firstParam, type SearchParams } from '../src/server/project.ts';

export const dynamic = 'force-dynamic';

export default async function HomePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const project = firstParam(await searchParams, 'project');
  redirect(project ? `/traces?${new URLSearchParams({ project }).toString()}` : '/traces');
}

/** `/projects/[projectId]/settings` opens the members section. */
import { redirect } from 'next/navigation';

export default async function SettingsPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  redirect(`/projects/${encodeURIComponent(projectId)}/settings/members`);
}

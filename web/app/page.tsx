/** `/` goes to the overview of the signed-in user's first project. */
import { redirect } from 'next/navigation';
import { AppHeader } from '../src/components/AppHeader.tsx';
import { requireSignedInUser } from '../src/server/access/requireAccess.ts';
import { controlPlane } from '../src/server/controlPlane.ts';

export const dynamic = 'force-dynamic';

export default async function HomePage() {
  const user = await requireSignedInUser();
  const memberships = await controlPlane().memberships.listUserMemberships(user.userId);
  const first = memberships.map((membership) => membership.projectId).sort()[0];
  if (first) redirect(`/projects/${encodeURIComponent(first)}/overview`);
  return (
    <>
      <AppHeader email={user.email} />
      <main>
        <h1>No projects yet</h1>
        <p>You are not a member of any project. Ask a project admin to add you.</p>
      </main>
    </>
  );
}

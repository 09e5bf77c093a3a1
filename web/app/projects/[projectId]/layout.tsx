/**
 * Every page of a project: the header with the project's navigation. Membership is checked
 * here so a non-member sees "not found" for the whole project; each page still checks its own
 * permission, because layouts are not re-run on every navigation.
 */
import type { ReactNode } from 'react';
import { AppHeader } from '../../../src/components/AppHeader.tsx';
import { requirePageAccess } from '../../../src/server/access/requireAccess.ts';

export const dynamic = 'force-dynamic';

export default async function ProjectLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ projectId: string }>;
}) {
  const { projectId } = await params;
  // metrics:read is every role's least permission: this asks "is a member".
  const access = await requirePageAccess(projectId, 'metrics:read');
  return (
    <>
      <AppHeader projectId={projectId} role={access.role} email={access.principal.email} />
      {children}
    </>
  );
}

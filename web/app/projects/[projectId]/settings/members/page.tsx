/** Members of the project and their roles (admins only). */
import type { Metadata } from 'next';
import { MembersManager } from '../../../../../src/features/settings/components/MembersManager.tsx';
import { listMembers } from '../../../../../src/features/settings/server/projectMembers.ts';
import { requirePageAccess } from '../../../../../src/server/access/requireAccess.ts';
import { controlPlane } from '../../../../../src/server/controlPlane.ts';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Members · Sightline' };

export default async function MembersPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const access = await requirePageAccess(projectId, 'members:manage');
  const members = await listMembers(controlPlane(), projectId);
  return (
    <>
      <h2>Members</h2>
      <p className="muted">
        Roles: admin manages the project; engineer and oncall read traces with their content;
        auditor also reads the audit trail; viewer sees metrics and trace metadata only.
      </p>
      <MembersManager
        projectId={projectId}
        members={members}
        currentUserId={access.principal.userId}
      />
    </>
  );
}

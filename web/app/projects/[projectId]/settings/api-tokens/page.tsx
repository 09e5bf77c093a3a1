/** API tokens of the project (admins only): scoped, expiring, stored as hashes. */
import type { Metadata } from 'next';
import { ApiTokensManager } from '../../../../../src/features/settings/components/ApiTokensManager.tsx';
import { listApiTokens } from '../../../../../src/features/settings/server/projectCredentials.ts';
import { PERMISSIONS } from '../../../../../src/server/access/permissions.ts';
import { allows, requirePageAccess } from '../../../../../src/server/access/requireAccess.ts';
import { controlPlane } from '../../../../../src/server/controlPlane.ts';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'API tokens · Sightline' };

export default async function ApiTokensPage({
  params,
}: {
  params: Promise<{ projectId: string }>;
}) {
  const { projectId } = await params;
  const access = await requirePageAccess(projectId, 'api_tokens:manage');
  const tokens = await listApiTokens(controlPlane(), projectId);
  return (
    <>
      <h2>API tokens</h2>
      <p className="muted">
        A token calls the /api/v1 API for this project with the permissions chosen here, never more
        than its creator&apos;s role. Only a hash of each token is kept.
      </p>
      <ApiTokensManager
        projectId={projectId}
        tokens={tokens}
        grantable={PERMISSIONS.filter((permission) => allows(access, permission))}
      />
    </>
  );
}

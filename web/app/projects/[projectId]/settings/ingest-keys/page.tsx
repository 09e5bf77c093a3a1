/** The project's ingest keys (admins only); secrets are shown once, when made. */
import type { Metadata } from 'next';
import { IngestKeysManager } from '../../../../../src/features/settings/components/IngestKeysManager.tsx';
import { listIngestKeys } from '../../../../../src/features/settings/server/projectCredentials.ts';
import { requirePageAccess } from '../../../../../src/server/access/requireAccess.ts';
import { controlPlane } from '../../../../../src/server/controlPlane.ts';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Ingest keys · Sightline' };

export default async function IngestKeysPage({
  params,
}: {
  params: Promise<{ projectId: string }>;
}) {
  const { projectId } = await params;
  await requirePageAccess(projectId, 'ingest_keys:manage');
  const keys = await listIngestKeys(controlPlane(), projectId);
  return (
    <>
      <h2>Ingest keys</h2>
      <p className="muted">
        Producers sign span records with an ingest key. Rotating creates a new key and revokes the
        old one; running functions stop accepting it within the key cache time.
      </p>
      <IngestKeysManager projectId={projectId} keys={keys} />
    </>
  );
}

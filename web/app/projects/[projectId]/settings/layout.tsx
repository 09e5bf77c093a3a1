/** Project settings: a side navigation of the sections the signed-in role may manage. */
import type { ReactNode } from 'react';
import Link from 'next/link';
import { requirePageAccess, allows } from '../../../../src/server/access/requireAccess.ts';

export const dynamic = 'force-dynamic';

export default async function SettingsLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ projectId: string }>;
}) {
  const { projectId } = await params;
  const access = await requirePageAccess(projectId, 'metrics:read');
  const base = `/projects/${encodeURIComponent(projectId)}/settings`;
  const sections = [
    { href: `${base}/members`, label: 'Members', shown: allows(access, 'members:manage') },
    {
      href: `${base}/ingest-keys`,
      label: 'Ingest keys',
      shown: allows(access, 'ingest_keys:manage'),
    },
    { href: `${base}/api-tokens`, label: 'API tokens', shown: allows(access, 'api_tokens:manage') },
  ].filter((section) => section.shown);
  return (
    <main>
      <div className="page-title">
        <h1>Settings</h1>
      </div>
      <div className="settings-layout">
        <nav className="settings-nav" aria-label="Settings">
          {sections.map((section) => (
            <Link key={section.href} href={section.href}>
              {section.label}
            </Link>
          ))}
        </nav>
        <div>{children}</div>
      </div>
    </main>
  );
}

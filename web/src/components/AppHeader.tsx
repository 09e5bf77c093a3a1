/**
 * The bar at the top of every page: product name, the project's navigation (Settings only for
 * roles that may manage the project), and who is signed in with the sign-out controls.
 */
import Link from 'next/link';
import { can, type Role } from '../server/access/permissions.ts';
import { SignOutControls } from '../features/auth/components/SignOutControls.tsx';

const PROJECT_SECTIONS = [
  { segment: 'overview', label: 'Overview' },
  { segment: 'traces', label: 'Traces' },
  { segment: 'users', label: 'Users' },
  { segment: 'prompts', label: 'Prompts' },
] as const;

/**
 * Plain (not async, no server imports) so error and not-found pages, which may be client
 * components, can render it too; pages that know who is signed in pass `email`.
 */
export function AppHeader({
  projectId,
  role,
  email,
}: {
  projectId?: string;
  role?: Role;
  email?: string;
}) {
  const base = projectId ? `/projects/${encodeURIComponent(projectId)}` : undefined;
  const managesProject =
    role !== undefined &&
    (can(role, 'members:manage') ||
      can(role, 'ingest_keys:manage') ||
      can(role, 'api_tokens:manage'));
  return (
    <header className="app-header">
      <Link className="brand" href={base ? `${base}/overview` : '/'}>
        Sightline
      </Link>
      {base ? (
        <nav aria-label="Project">
          {PROJECT_SECTIONS.map((section) => (
            <Link key={section.segment} href={`${base}/${section.segment}`}>
              {section.label}
            </Link>
          ))}
          {managesProject ? <Link href={`${base}/settings/members`}>Settings</Link> : null}
        </nav>
      ) : null}
      {projectId ? (
        <span className="project" title="Project shown">
          Project <code>{projectId}</code>
          {role ? <span className="role"> · {role}</span> : null}
        </span>
      ) : null}
      {email ? <SignOutControls email={email} /> : null}
    </header>
  );
}

/** The bar at the top of every page: product name, navigation and the project shown. */
import Link from 'next/link';

export function AppHeader({ projectId }: { projectId?: string }) {
  const query = projectId ? { project: projectId } : {};
  return (
    <header className="app-header">
      <Link className="brand" href={{ pathname: '/traces', query }}>
        Sightline
      </Link>
      <nav aria-label="Main">
        <Link href={{ pathname: '/traces', query }}>Traces</Link>
      </nav>
      {projectId ? (
        <span className="project" title="Project shown (change with ?project=)">
          Project <code>{projectId}</code>
        </span>
      ) : null}
    </header>
  );
}

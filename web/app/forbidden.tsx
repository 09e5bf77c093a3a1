/** Rendered with status 403 when a signed-in member's role lacks the permission a page needs. */
import Link from 'next/link';

export default function Forbidden() {
  return (
    <main className="page">
      <h1>Not allowed</h1>
      <p>Your role in this project does not allow this page. Ask a project admin for access.</p>
      <p>
        <Link href="/">Back to your projects</Link>
      </p>
    </main>
  );
}

'use client';
/** Last-resort error boundary: the server keeps the details; the page shows only the digest. */
import { AppHeader } from '../src/components/AppHeader.tsx';

export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  return (
    <>
      <AppHeader />
      <main>
        <section className="panel panel-error" role="alert">
          <h2>Something went wrong</h2>
          <p>The server could not render this page. Details are in the server log.</p>
          {digest ? (
            <p className="muted">
              Reference <code>{digest}</code>
            </p>
          ) : null}
          <button type="button" onClick={() => retry()}>
            Try again
          </button>
        </section>
      </main>
    </>
  );
}

import Link from 'next/link';
import { AppHeader } from '../src/components/AppHeader.tsx';

export default function NotFound() {
  return (
    <>
      <AppHeader />
      <main>
        <section className="panel">
          <h2>Not found</h2>
          <p>There is no page here.</p>
          <p>
            <Link href="/traces">Back to traces</Link>
          </p>
        </section>
      </main>
    </>
  );
}

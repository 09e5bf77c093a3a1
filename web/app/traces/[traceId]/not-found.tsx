import Link from 'next/link';
import { AppHeader } from '../../../src/components/AppHeader.tsx';

export default function TraceNotFound() {
  return (
    <>
      <AppHeader />
      <main>
        <section className="panel">
          <h2>Trace not found</h2>
          <p>
            No spans with this trace id exist in this project. The id may be wrong, the trace may
            belong to another project (<code>?project=</code>), or it may still be on its way:
            ingest writes in batches, so a trace can take a few seconds to appear.
          </p>
          <p>
            <Link href="/traces">Back to traces</Link>
          </p>
        </section>
      </main>
    </>
  );
}

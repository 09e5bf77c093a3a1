import { EmptyState } from '../../../../../src/components/EmptyState.tsx';

export default function TraceNotFound() {
  return (
    <main>
      <EmptyState title="Trace not found">
        <p>
          No spans with this trace id exist in this project. The id may be wrong, or the trace may
          still be on its way: ingest writes in batches, so a trace can take a few seconds to
          appear.
        </p>
      </EmptyState>
    </main>
  );
}

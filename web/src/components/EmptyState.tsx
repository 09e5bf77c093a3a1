/** A panel saying why there is nothing to show and what to do about it. */
import type { ReactNode } from 'react';

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <section className="panel empty" data-testid="empty-state">
      <h2>{title}</h2>
      {children ? <div className="muted">{children}</div> : null}
    </section>
  );
}

/** The title row of an explore page: heading, subtitle and the page's controls on the right. */
import type { ReactNode } from 'react';

export function PageHeader({
  title,
  subtitle,
  children,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div className="page-title">
      <h1>{title}</h1>
      {subtitle ? <span className="muted">{subtitle}</span> : null}
      {children ? <div className="page-controls">{children}</div> : null}
    </div>
  );
}

/** One headline number of a dashboard, with an optional second line. */
import type { ReactNode } from 'react';

export function StatTile({
  label,
  value,
  detail,
  tone,
}: {
  label: string;
  value: string;
  detail?: ReactNode;
  tone?: 'error' | 'muted';
}) {
  return (
    <div
      className="stat-tile"
      data-testid={`stat-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`}
    >
      <div className="stat-label">{label}</div>
      <div className={tone ? `stat-value ${tone}` : 'stat-value'}>{value}</div>
      {detail ? <div className="stat-detail muted">{detail}</div> : null}
    </div>
  );
}

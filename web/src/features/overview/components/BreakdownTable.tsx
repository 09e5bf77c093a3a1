/**
 * Metrics per value of one dimension (model, prompt version, environment, tag, route), largest
 * first; each value links to the dashboard filtered on it.
 */
import Link from 'next/link';
import {
  formatCompactCount,
  formatCost,
  formatLatency,
  formatPercent,
} from '../../../components/format/humanFormat.ts';
import type { MetricsValuesView } from '../api/operations.ts';

export function BreakdownTable({
  title,
  rows,
  hrefFor,
  emptyText,
}: {
  title: string;
  rows: ReadonlyArray<MetricsValuesView & { key: string }>;
  hrefFor: (key: string) => string;
  emptyText: string;
}) {
  return (
    <section className="panel breakdown" aria-label={`By ${title}`}>
      <h2>By {title}</h2>
      {rows.length === 0 ? (
        <p className="muted">{emptyText}</p>
      ) : (
        <table className="data-table compact">
          <thead>
            <tr>
              <th>{title}</th>
              <th className="numeric">Requests</th>
              <th className="numeric">Errors</th>
              <th className="numeric">p95</th>
              <th className="numeric">Tokens in / out</th>
              <th className="numeric">Cost</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <td className="ellipsis" title={row.key}>
                  {row.key === '' ? (
                    <span className="muted">(none)</span>
                  ) : (
                    <Link href={hrefFor(row.key)}>{row.key}</Link>
                  )}
                </td>
                <td className="numeric">{formatCompactCount(row.requests)}</td>
                <td className={row.errors > 0 ? 'numeric error-text' : 'numeric'}>
                  {formatPercent(row.errorRate)}
                </td>
                <td className="numeric">{formatLatency(row.latencyP95Ms)}</td>
                <td className="numeric">
                  {formatCompactCount(row.inputTokens)} / {formatCompactCount(row.outputTokens)}
                </td>
                <td className="numeric">
                  {formatCost({
                    costUsd: row.costUsd,
                    requests: row.requests,
                    unpricedRequests: row.unpricedRequests,
                  })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Per-user usage over a window; the sortable headers are links (the sort lives in the URL). */
import Link from 'next/link';
import {
  formatCompactCount,
  formatPercent,
  formatUsd,
} from '../../../components/format/humanFormat.ts';
import { explorePaths } from '../../../components/url/projectLinks.ts';
import { hrefWith } from '../../../components/url/queryString.ts';
import { formatTimestamp } from '../../traces/displayFormat.ts';
import { fromDateTime64Text } from '../../traces/components/traceTime.ts';
import type { UserRowView } from '../api/operations.ts';

const SORTABLE = [
  { sort: 'requests', label: 'Requests' },
  { sort: 'errors', label: 'Errors' },
  { sort: 'cost', label: 'Cost' },
  { sort: 'last_seen', label: 'Last seen (UTC)' },
] as const;

export function UsersTable({
  projectId,
  rows,
  sort,
  query,
}: {
  projectId: string;
  rows: readonly UserRowView[];
  sort: string;
  query: Record<string, string | string[]>;
}) {
  const listPath = explorePaths.users(projectId);
  const header = (key: (typeof SORTABLE)[number]['sort']) => {
    const column = SORTABLE.find((item) => item.sort === key)!;
    const active = sort === key;
    return (
      <th className="numeric" aria-sort={active ? 'descending' : undefined}>
        <Link href={hrefWith(listPath, query, { sort: key, cursor: null })} className="sort-link">
          {column.label}
          {active ? ' ▼' : ' ↕'}
        </Link>
      </th>
    );
  };
  const windowQuery = { range: query.range, from: query.from, to: query.to };
  return (
    <table className="data-table" data-testid="users-table">
      <thead>
        <tr>
          <th>User</th>
          {header('requests')}
          <th className="numeric">Traces</th>
          {header('errors')}
          <th className="numeric">Error rate</th>
          <th className="numeric">Tokens in / out</th>
          {header('cost')}
          {header('last_seen')}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.userId}>
            <td className="ellipsis" title={row.userId}>
              <Link href={hrefWith(explorePaths.user(projectId, row.userId), windowQuery)}>
                {row.userId}
              </Link>
            </td>
            <td className="numeric">{formatCompactCount(row.requests)}</td>
            <td className="numeric">{formatCompactCount(row.traces)}</td>
            <td className={row.errors > 0 ? 'numeric error-text' : 'numeric'}>
              {formatCompactCount(row.errors)}
            </td>
            <td className="numeric">{formatPercent(row.errorRate)}</td>
            <td className="numeric">
              {formatCompactCount(row.inputTokens)} / {formatCompactCount(row.outputTokens)}
            </td>
            <td className="numeric">{formatUsd(row.costUsd)}</td>
            <td className="numeric">
              {formatTimestamp(fromDateTime64Text(row.lastSeen), row.lastSeen)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The recent spans of a project, newest first; each row opens its trace at that span. */
import Link from 'next/link';
import { formatCount, formatDuration, formatTimeAgo, formatTimestamp } from '../displayFormat.ts';
import type { SpanListItem } from '../types.ts';
import { StatusBadge } from './StatusBadge.tsx';
import { traceHref } from './traceLinks.ts';

export function RecentSpansTable({
  projectId,
  spans,
  nowMillis,
}: {
  projectId: string;
  spans: readonly SpanListItem[];
  nowMillis: number;
}) {
  return (
    <table className="spans-table">
      <thead>
        <tr>
          <th>Time (UTC)</th>
          <th>Trace</th>
          <th>Name</th>
          <th>Model</th>
          <th>Provider</th>
          <th className="numeric">Latency</th>
          <th className="numeric">Tokens in / out</th>
          <th>Status</th>
          <th>User</th>
        </tr>
      </thead>
      <tbody>
        {spans.map((span) => {
          const href = traceHref(projectId, span.trace_id, span.span_id);
          return (
            <tr key={`${span.trace_id}:${span.span_id}:${span.start_time}`}>
              <td className="time">
                <Link href={href}>{formatTimestamp(span.startMs, span.start_time)}</Link>
                <span className="muted"> {formatTimeAgo(span.startMs, nowMillis)}</span>
              </td>
              <td className="mono" title={span.trace_id}>
                <Link href={href}>{span.trace_id.slice(0, 8)}</Link>
              </td>
              <td className="name" title={span.name}>
                <Link href={href}>{span.name}</Link>
                {span.parent_span_id === '' ? null : <span className="muted"> (child)</span>}
              </td>
              <td>{span.response_model || span.request_model}</td>
              <td>{span.provider}</td>
              <td className="numeric">{formatDuration(span.duration_ms)}</td>
              <td className="numeric">
                {formatCount(span.input_tokens)} / {formatCount(span.output_tokens)}
              </td>
              <td>
                <StatusBadge code={span.status_code} message={span.status_message} />
              </td>
              <td className="user" title={span.user_id}>
                {span.user_id}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

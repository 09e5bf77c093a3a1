/**
 * A session as one conversation: each trace in order, its input as the user's turn and its
 * output as the assistant's, with time, model and a link to the full trace. Previews are
 * untrusted text, rendered as text and cut short.
 */
import Link from 'next/link';
import { formatCost, formatLatency } from '../../../components/format/humanFormat.ts';
import type { TraceListRowView } from '../../traces/api/operations.ts';
import { CappedText } from '../../traces/components/CappedText.tsx';
import { StatusBadge } from '../../traces/components/StatusBadge.tsx';
import { traceHref } from '../../traces/components/traceLinks.ts';
import { fromDateTime64Text } from '../../traces/components/traceTime.ts';
import { formatTimestamp } from '../../traces/displayFormat.ts';

export function SessionTimeline({
  projectId,
  traces,
  contentHidden,
}: {
  projectId: string;
  traces: readonly TraceListRowView[];
  contentHidden: boolean;
}) {
  return (
    <ol className="session-timeline" aria-label="Conversation">
      {traces.map((trace) => (
        <li key={trace.traceId} className="session-turn">
          <div className="turn-meta">
            <Link href={traceHref(projectId, trace.traceId)}>
              {formatTimestamp(fromDateTime64Text(trace.startTime), trace.startTime)}
            </Link>{' '}
            <span className="muted">
              {trace.name.slice(0, 200)} · {trace.model || '—'} · {formatLatency(trace.durationMs)}{' '}
              · {formatCost({ costUsd: trace.costUsd })}
            </span>{' '}
            <StatusBadge code={trace.status} />
          </div>
          {contentHidden ? (
            <p className="note">Content hidden for your role.</p>
          ) : (
            <div className="conversation">
              <div className="message role-user">
                <div className="message-role">user</div>
                {trace.inputPreview ? (
                  <CappedText text={trace.inputPreview} />
                ) : (
                  <p className="muted">(no input text)</p>
                )}
              </div>
              <div className="message role-assistant">
                <div className="message-role">assistant</div>
                {trace.outputPreview ? (
                  <CappedText text={trace.outputPreview} />
                ) : (
                  <p className="muted">(no output text)</p>
                )}
              </div>
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}

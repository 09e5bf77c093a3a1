/**
 * The span tree of a trace with one timeline bar per span, placed and sized relative to the
 * whole trace. Each row selects that span for the details panel.
 */
import Link from 'next/link';
import { CONTENT_DISPLAY } from '../constants.ts';
import { formatDuration } from '../displayFormat.ts';
import type { SpanTreeEntry } from '../types.ts';
import { traceHref } from './traceLinks.ts';

/** Bars narrower than this are widened so zero-length spans stay visible. */
const MIN_BAR_PERCENT = 0.4;

export interface TraceWindow {
  startMs: number;
  durationMs: number;
}

export function barGeometry(
  span: { startMs: number; duration_ms: number },
  window: TraceWindow,
): { leftPercent: number; widthPercent: number } {
  if (!(window.durationMs > 0) || !Number.isFinite(span.startMs)) {
    return { leftPercent: 0, widthPercent: 100 };
  }
  const left = Math.min(
    100,
    Math.max(0, ((span.startMs - window.startMs) / window.durationMs) * 100),
  );
  const width = Math.max(MIN_BAR_PERCENT, (span.duration_ms / window.durationMs) * 100);
  return { leftPercent: left, widthPercent: Math.min(width, 100 - left) || MIN_BAR_PERCENT };
}

export function TraceWaterfall({
  projectId,
  entries,
  window,
  selectedSpanId,
}: {
  projectId: string;
  entries: readonly SpanTreeEntry[];
  window: TraceWindow;
  selectedSpanId: string;
}) {
  return (
    <ol className="waterfall" aria-label="Spans">
      {entries.map(({ span, depth, orphan }) => {
        const { leftPercent, widthPercent } = barGeometry(span, window);
        const selected = span.span_id === selectedSpanId;
        const model = span.response_model || span.request_model;
        return (
          <li
            key={`${span.span_id}:${span.start_time}`}
            className={selected ? 'waterfall-row selected' : 'waterfall-row'}
          >
            <div
              className="waterfall-label"
              style={{ paddingLeft: `${Math.min(depth, CONTENT_DISPLAY.maxTreeIndent) * 16}px` }}
            >
              <Link
                href={traceHref(projectId, span.trace_id, span.span_id)}
                scroll={false}
                title={span.name}
                aria-current={selected ? 'true' : undefined}
              >
                {span.name}
              </Link>
              <span className="kind">{span.kind}</span>
              {model ? <span className="muted"> {model}</span> : null}
              {orphan ? (
                <span className="muted" title={`parent ${span.parent_span_id} not in this trace`}>
                  {' '}
                  (parent missing)
                </span>
              ) : null}
            </div>
            <div className="waterfall-track" title={formatDuration(span.duration_ms)}>
              <span
                className={`waterfall-bar status-${span.status_code === 'error' ? 'error' : 'ok'}`}
                style={{ left: `${leftPercent}%`, width: `${widthPercent}%` }}
              />
            </div>
            <div className="waterfall-duration numeric">{formatDuration(span.duration_ms)}</div>
          </li>
        );
      })}
    </ol>
  );
}

/**
 * What the traces pages render: rows from the spans repository with numbers normalised
 * (ClickHouse returns UInt64 as strings) and times parsed to epoch milliseconds.
 */
import type { SpanSummary, TraceSpan } from '../../../../functions/store/spansRepository.ts';

export interface SpanListItem extends SpanSummary {
  /** `start_time` as epoch milliseconds (NaN when unparseable). */
  startMs: number;
}

export interface TraceSpanItem extends TraceSpan {
  startMs: number;
  endMs: number;
}

export interface SpanTreeEntry {
  span: TraceSpanItem;
  depth: number;
  /** The span names a parent that is not in the trace (not received yet, or lost). */
  orphan: boolean;
}

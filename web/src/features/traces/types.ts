/**
 * What the trace detail renders: the spans of the trace API (numbers normalised, content
 * blanked for roles that may not read it) with times parsed to epoch milliseconds.
 */
import type { TraceSpanView } from './api/operations.ts';

export interface TraceSpanItem extends TraceSpanView {
  /** `start_time` as epoch milliseconds (NaN when unparseable). */
  startMs: number;
  endMs: number;
}

export interface SpanTreeEntry {
  span: TraceSpanItem;
  depth: number;
  /** The span names a parent that is not in the trace (not received yet, or lost). */
  orphan: boolean;
}

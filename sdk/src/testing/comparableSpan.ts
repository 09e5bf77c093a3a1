/**
 * A span without what differs between runs (ids, times, time to first token), so tests can
 * compare whole spans with toEqual. `withoutParent` also drops the parent id.
 */
import type { SpanItemInput } from '../contract/index.ts';

export function comparableSpan(
  span: SpanItemInput | undefined,
  { withoutParent = false }: { withoutParent?: boolean } = {},
) {
  const {
    traceId: _traceId,
    spanId: _spanId,
    startTime: _startTime,
    endTime: _endTime,
    timeToFirstTokenMs: _ttft,
    ...rest
  } = span ?? ({} as SpanItemInput);
  if (!withoutParent) return rest;
  const { parentSpanId: _parent, ...orphan } = rest;
  return orphan;
}

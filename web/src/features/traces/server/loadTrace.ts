/** All spans of one trace in a project, in start order; empty when the trace is unknown. */
import { getTraceSpans } from '../../../../../functions/store/spansRepository.ts';
import { withClickHouse } from '../../../server/clickhouse.ts';
import type { TraceSpanItem } from '../types.ts';
import { toTraceSpanItem } from './spanItems.ts';

export async function loadTrace(projectId: string, traceId: string): Promise<TraceSpanItem[]> {
  const rows = await withClickHouse((client) => getTraceSpans(client, { projectId, traceId }));
  return rows.map(toTraceSpanItem);
}

/** The recent spans list of a project, newest first. */
import { listRecentSpans } from '../../../../../functions/store/spansRepository.ts';
import { withClickHouse } from '../../../server/clickhouse.ts';
import { TRACES_PAGE } from '../constants.ts';
import type { SpanListItem } from '../types.ts';
import { toSpanListItem } from './spanItems.ts';

export async function loadRecentSpans(projectId: string): Promise<SpanListItem[]> {
  const rows = await withClickHouse((client) =>
    listRecentSpans(client, {
      projectId,
      limit: TRACES_PAGE.recentSpansLimit,
      sinceHours: TRACES_PAGE.recentSpansSinceHours,
    }),
  );
  return rows.map(toSpanListItem);
}

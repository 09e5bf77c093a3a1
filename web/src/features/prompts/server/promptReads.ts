/**
 * The prompt versions view's reads, one function per read, shared by the prompts page and
 * the `/api/v1/projects/{projectId}/prompts` routes.
 */
import {
  comparePromptVersions,
  listPromptVersions,
} from '../../../../../functions/store/promptVersionsRepository.ts';
import {
  resolveTimeRange,
  type ResolvedTimeRange,
} from '../../../components/timeRange/timeRange.ts';
import { withClickHouse } from '../../../server/clickhouse.ts';
import type {
  PromptCompareQuery,
  PromptCompareResponse,
  PromptListQuery,
  PromptListResponse,
} from '../api/operations.ts';

export async function readPromptVersions(
  projectId: string,
  query: PromptListQuery,
  range: ResolvedTimeRange = resolveTimeRange(query),
): Promise<PromptListResponse> {
  const versions = await withClickHouse((client) =>
    listPromptVersions(client, { projectId, range: { from: range.from, to: range.to } }),
  );
  return { from: range.from.toISOString(), to: range.to.toISOString(), versions };
}

export async function readPromptComparison(
  projectId: string,
  query: PromptCompareQuery,
  range: ResolvedTimeRange = resolveTimeRange(query),
): Promise<PromptCompareResponse> {
  const versions = await withClickHouse((client) =>
    comparePromptVersions(client, {
      projectId,
      range: { from: range.from, to: range.to },
      promptName: query.name,
      versions: [query.a, query.b],
    }),
  );
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    promptName: query.name,
    versions,
  };
}

/** `/projects/<id>/prompts`: prompt versions with their metrics; `?name=&a=&b=` compares two. */
import type { Metadata } from 'next';
import { EmptyState } from '../../../../src/components/EmptyState.tsx';
import { ErrorPanel } from '../../../../src/components/ErrorPanel.tsx';
import { PageHeader } from '../../../../src/components/PageHeader.tsx';
import { TimeRangePicker } from '../../../../src/components/filters/TimeRangePicker.tsx';
import { explorePageProblem } from '../../../../src/components/pageProblem.ts';
import {
  describeTimeRange,
  resolveTimeRange,
} from '../../../../src/components/timeRange/timeRange.ts';
import { explorePaths } from '../../../../src/components/url/projectLinks.ts';
import {
  parsePageQuery,
  queryValues,
  type PageSearchParams,
} from '../../../../src/components/url/queryString.ts';
import { PromptsPageQuerySchema } from '../../../../src/features/prompts/api/operations.ts';
import { PromptCompare } from '../../../../src/features/prompts/components/PromptCompare.tsx';
import { PromptVersionsTable } from '../../../../src/features/prompts/components/PromptVersionsTable.tsx';
import {
  readPromptComparison,
  readPromptVersions,
} from '../../../../src/features/prompts/server/promptReads.ts';
import { requirePageAccess } from '../../../../src/server/access/requireAccess.ts';
import { InvalidRequestError } from '../../../../src/server/errors.ts';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Prompts · Sightline' };

export default async function PromptsPage({
  params,
  searchParams,
}: {
  params: Promise<{ projectId: string }>;
  searchParams: Promise<PageSearchParams>;
}) {
  const { projectId } = await params;
  await requirePageAccess(projectId, 'metrics:read');
  const raw = await searchParams;
  const query = queryValues(raw);
  const windowQuery = { range: query.range, from: query.from, to: query.to };

  let body;
  let subtitle: string | undefined;
  try {
    const parsed = parsePageQuery(PromptsPageQuerySchema, raw);
    const range = resolveTimeRange(parsed);
    subtitle = describeTimeRange(range);
    const comparing = parsed.name !== undefined || parsed.a !== undefined || parsed.b !== undefined;
    if (comparing && !(parsed.name && parsed.a && parsed.b)) {
      throw new InvalidRequestError('A comparison needs name, a and b in the URL.');
    }
    const [list, comparison] = await Promise.all([
      readPromptVersions(projectId, parsed, range),
      parsed.name && parsed.a && parsed.b
        ? readPromptComparison(
            projectId,
            { ...parsed, name: parsed.name, a: parsed.a, b: parsed.b },
            range,
          )
        : Promise.resolve(null),
    ]);
    body = (
      <>
        {comparison ? <PromptCompare comparison={comparison} /> : null}
        {list.versions.length === 0 ? (
          <EmptyState title={`No prompt versions in the ${subtitle}`}>
            <p>
              Requests name a prompt and version when the SDK is given them. Try a longer window.
            </p>
          </EmptyState>
        ) : (
          <PromptVersionsTable
            pathname={explorePaths.prompts(projectId)}
            versions={list.versions}
            windowQuery={windowQuery}
          />
        )}
      </>
    );
  } catch (error) {
    const problem = explorePageProblem(error);
    if (!problem) throw error;
    body = <ErrorPanel problem={problem} />;
  }

  return (
    <main>
      <PageHeader title="Prompt versions" subtitle={subtitle}>
        <TimeRangePicker />
      </PageHeader>
      {body}
    </main>
  );
}

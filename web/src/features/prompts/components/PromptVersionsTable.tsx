/**
 * Every prompt version seen in a window with its metrics, grouped by prompt, and a form per
 * prompt to compare two of its versions (a plain GET form: the choice lands in the URL).
 */
import Link from 'next/link';
import {
  formatCompactCount,
  formatCost,
  formatLatency,
  formatPercent,
} from '../../../components/format/humanFormat.ts';
import { hrefWith } from '../../../components/url/queryString.ts';
import type { PromptVersionRow } from '../api/operations.ts';

export function PromptVersionsTable({
  pathname,
  versions,
  windowQuery,
}: {
  pathname: string;
  versions: readonly PromptVersionRow[];
  windowQuery: Record<string, string | string[] | undefined>;
}) {
  const byPrompt = new Map<string, PromptVersionRow[]>();
  for (const row of versions) {
    const list = byPrompt.get(row.promptName) ?? [];
    list.push(row);
    byPrompt.set(row.promptName, list);
  }
  return (
    <>
      {[...byPrompt.entries()].map(([promptName, rows]) => (
        <section className="panel" key={promptName} aria-label={`Prompt ${promptName}`}>
          <h2 className="ellipsis">{promptName}</h2>
          <table className="data-table compact">
            <thead>
              <tr>
                <th>Version</th>
                <th className="numeric">Requests</th>
                <th className="numeric">Error rate</th>
                <th className="numeric">p50</th>
                <th className="numeric">p95</th>
                <th className="numeric">Tokens in / out</th>
                <th className="numeric">Cost</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.promptVersion}>
                  <td>v{row.promptVersion}</td>
                  <td className="numeric">{formatCompactCount(row.requests)}</td>
                  <td className={row.errors > 0 ? 'numeric error-text' : 'numeric'}>
                    {formatPercent(row.errorRate)}
                  </td>
                  <td className="numeric">{formatLatency(row.latencyP50Ms)}</td>
                  <td className="numeric">{formatLatency(row.latencyP95Ms)}</td>
                  <td className="numeric">
                    {formatCompactCount(row.inputTokens)} / {formatCompactCount(row.outputTokens)}
                  </td>
                  <td className="numeric">
                    {formatCost({
                      costUsd: row.costUsd,
                      requests: row.requests,
                      unpricedRequests: row.unpricedRequests,
                    })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length >= 2 ? (
            <form className="compare-form" method="get" action={pathname}>
              {Object.entries(windowQuery).map(([key, value]) =>
                typeof value === 'string' ? (
                  <input key={key} type="hidden" name={key} value={value} />
                ) : null,
              )}
              <input type="hidden" name="name" value={promptName} />
              <label>
                Compare A{' '}
                <select name="a" defaultValue={rows[1]?.promptVersion}>
                  {rows.map((row) => (
                    <option key={row.promptVersion} value={row.promptVersion}>
                      v{row.promptVersion}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                with B{' '}
                <select name="b" defaultValue={rows[0]?.promptVersion}>
                  {rows.map((row) => (
                    <option key={row.promptVersion} value={row.promptVersion}>
                      v{row.promptVersion}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit">Compare</button>{' '}
              <Link
                className="muted"
                href={hrefWith(pathname, windowQuery as Record<string, string>, {
                  name: promptName,
                  a: rows[1]?.promptVersion,
                  b: rows[0]?.promptVersion,
                })}
              >
                latest two
              </Link>
            </form>
          ) : (
            <p className="muted">Only one version in this window: nothing to compare.</p>
          )}
        </section>
      ))}
    </>
  );
}

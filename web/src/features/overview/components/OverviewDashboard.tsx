/**
 * The overview dashboard's body: headline tiles, time series charts, breakdowns and top users
 * for one window, from the same reads the metrics API serves.
 */
import Link from 'next/link';
import {
  formatCompactCount,
  formatCost,
  formatLatency,
  formatPercent,
  formatUsd,
} from '../../../components/format/humanFormat.ts';
import { EmptyState } from '../../../components/EmptyState.tsx';
import { StatTile } from '../../../components/StatTile.tsx';
import { fillSeriesGaps } from '../../../components/charts/seriesTime.ts';
import { TimeSeriesChart } from '../../../components/charts/TimeSeriesChart.tsx';
import { hrefWith } from '../../../components/url/queryString.ts';
import { explorePaths } from '../../../components/url/projectLinks.ts';
import {
  describeTimeRange,
  type ResolvedTimeRange,
} from '../../../components/timeRange/timeRange.ts';
import type {
  MetricsBreakdownResponse,
  MetricsSeriesResponse,
  MetricsSummaryResponse,
  MetricsValuesView,
  TopUsersResponse,
} from '../api/operations.ts';
import { BreakdownTable } from './BreakdownTable.tsx';

export interface OverviewData {
  range: ResolvedTimeRange;
  summary: MetricsSummaryResponse;
  series: MetricsSeriesResponse;
  breakdowns: {
    model: MetricsBreakdownResponse;
    prompt_version: MetricsBreakdownResponse;
    environment: MetricsBreakdownResponse;
    tag: MetricsBreakdownResponse;
    name: MetricsBreakdownResponse;
  };
  topUsers: TopUsersResponse;
}

const EMPTY_VALUES: MetricsValuesView = {
  requests: 0,
  errors: 0,
  errorRate: 0,
  latencyP50Ms: null,
  latencyP95Ms: null,
  latencyP99Ms: null,
  ttftP50Ms: null,
  ttftP95Ms: null,
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
  unpricedRequests: 0,
};

/** A prompt version breakdown key is `name@version`; the version follows the last `@`. */
export function splitPromptKey(key: string): { promptName: string; promptVersion: string } {
  const at = key.lastIndexOf('@');
  return at < 0
    ? { promptName: key, promptVersion: '' }
    : { promptName: key.slice(0, at), promptVersion: key.slice(at + 1) };
}

const BREAKDOWNS: ReadonlyArray<{
  dimension: keyof OverviewData['breakdowns'];
  title: string;
  filterFor: (key: string) => Record<string, string>;
}> = [
  { dimension: 'model', title: 'model', filterFor: (model) => ({ model }) },
  { dimension: 'prompt_version', title: 'prompt version', filterFor: splitPromptKey },
  { dimension: 'environment', title: 'environment', filterFor: (environment) => ({ environment }) },
  { dimension: 'name', title: 'route', filterFor: (name) => ({ name }) },
  { dimension: 'tag', title: 'tag', filterFor: (tag) => ({ tag }) },
];

export function OverviewDashboard({
  projectId,
  query,
  data,
}: {
  projectId: string;
  query: Record<string, string | string[]>;
  data: OverviewData;
}) {
  const { summary } = data.summary;
  const overviewPath = explorePaths.overview(projectId);
  const filtered = ['model', 'environment', 'promptName', 'promptVersion', 'tag', 'name'].some(
    (key) => key in query,
  );

  if (summary.requests === 0) {
    return (
      <EmptyState title={`No requests in the ${describeTimeRange(data.range)}`}>
        {filtered ? (
          <p>
            Nothing matches these filters.{' '}
            <Link
              href={hrefWith(overviewPath, query, {
                model: null,
                environment: null,
                promptName: null,
                promptVersion: null,
                tag: null,
                name: null,
              })}
            >
              Clear the filters
            </Link>{' '}
            or pick a longer window.
          </p>
        ) : (
          <p>
            Nothing arrived for project <code>{projectId}</code> in this window. Pick a longer
            window, or point an SDK at the stack (see the README).
          </p>
        )}
      </EmptyState>
    );
  }

  const points = fillSeriesGaps(data.series.points, {
    from: data.range.from,
    to: data.range.to,
    bucket: data.series.bucket,
    empty: EMPTY_VALUES,
  });
  const allUnpriced = summary.unpricedRequests >= summary.requests;
  const tokensTotal = summary.inputTokens + summary.outputTokens;

  return (
    <>
      <div className="stat-grid">
        <StatTile label="Requests" value={formatCompactCount(summary.requests)} />
        <StatTile
          label="Error rate"
          value={formatPercent(summary.errorRate)}
          detail={`${formatCompactCount(summary.errors)} errors`}
          tone={summary.errors > 0 ? 'error' : undefined}
        />
        <StatTile label="Latency p50" value={formatLatency(summary.latencyP50Ms)} />
        <StatTile label="Latency p95" value={formatLatency(summary.latencyP95Ms)} />
        <StatTile label="Latency p99" value={formatLatency(summary.latencyP99Ms)} />
        <StatTile
          label="Time to first token"
          value={formatLatency(summary.ttftP50Ms)}
          detail={
            summary.ttftP50Ms === null
              ? 'no streamed responses'
              : `p50 · p95 ${formatLatency(summary.ttftP95Ms)}`
          }
        />
        <StatTile label="Input tokens" value={formatCompactCount(summary.inputTokens)} />
        <StatTile label="Output tokens" value={formatCompactCount(summary.outputTokens)} />
        <StatTile
          label="Cost"
          value={formatCost({
            costUsd: summary.costUsd,
            requests: summary.requests,
            unpricedRequests: summary.unpricedRequests,
          })}
          tone={allUnpriced ? 'muted' : undefined}
          detail={
            allUnpriced
              ? 'no request had a known price'
              : summary.unpricedRequests > 0
                ? `${formatCompactCount(summary.unpricedRequests)} requests unpriced`
                : tokensTotal > 0
                  ? `${formatUsd((summary.costUsd / tokensTotal) * 1_000_000)} per 1M tokens`
                  : undefined
          }
        />
      </div>

      <div className="chart-grid">
        <TimeSeriesChart
          title="Requests and errors"
          points={points}
          bucket={data.series.bucket}
          valueKind="count"
          series={[
            { key: 'requests', label: 'requests', color: '#2457c5' },
            { key: 'errors', label: 'errors', color: '#b42318' },
          ]}
        />
        <TimeSeriesChart
          title="Latency"
          points={points}
          bucket={data.series.bucket}
          valueKind="latency"
          series={[
            { key: 'latencyP50Ms', label: 'p50', color: '#1f7a3d' },
            { key: 'latencyP95Ms', label: 'p95', color: '#b26a00' },
            { key: 'latencyP99Ms', label: 'p99', color: '#b42318' },
          ]}
        />
        <TimeSeriesChart
          title="Tokens"
          points={points}
          bucket={data.series.bucket}
          valueKind="count"
          variant="area"
          series={[
            { key: 'inputTokens', label: 'input', color: '#2457c5' },
            { key: 'outputTokens', label: 'output', color: '#7a4cc2' },
          ]}
        />
        {allUnpriced ? (
          <figure className="chart chart-empty" aria-label="Cost">
            <figcaption>Cost</figcaption>
            <p className="muted">
              Unpriced: none of these requests had a known model price yet, so there is no cost to
              draw (not $0).
            </p>
          </figure>
        ) : (
          <TimeSeriesChart
            title="Cost (priced requests)"
            points={points}
            bucket={data.series.bucket}
            valueKind="usd"
            variant="area"
            series={[{ key: 'costUsd', label: 'cost', color: '#1f7a3d' }]}
          />
        )}
      </div>

      <div className="breakdown-grid">
        {BREAKDOWNS.map(({ dimension, title, filterFor }) => (
          <BreakdownTable
            key={dimension}
            title={title}
            rows={data.breakdowns[dimension].rows}
            hrefFor={(key) => hrefWith(overviewPath, query, filterFor(key))}
            emptyText={
              dimension === 'tag'
                ? 'No tagged requests in this window.'
                : dimension === 'prompt_version'
                  ? 'No requests named a prompt version.'
                  : 'No values in this window.'
            }
          />
        ))}
        <section className="panel breakdown" aria-label="Top users by cost">
          <h2>Top users by cost</h2>
          {data.topUsers.users.length === 0 ? (
            <p className="muted">No requests named a user.</p>
          ) : (
            <table className="data-table compact">
              <thead>
                <tr>
                  <th>User</th>
                  <th className="numeric">Requests</th>
                  <th className="numeric">Errors</th>
                  <th className="numeric">Tokens in / out</th>
                  <th className="numeric">Cost</th>
                </tr>
              </thead>
              <tbody>
                {data.topUsers.users.map((user) => (
                  <tr key={user.userId}>
                    <td className="ellipsis" title={user.userId}>
                      <Link href={hrefWith(explorePaths.user(projectId, user.userId), query, {})}>
                        {user.userId}
                      </Link>
                    </td>
                    <td className="numeric">{formatCompactCount(user.requests)}</td>
                    <td className={user.errors > 0 ? 'numeric error-text' : 'numeric'}>
                      {formatCompactCount(user.errors)}
                    </td>
                    <td className="numeric">
                      {formatCompactCount(user.inputTokens)} /{' '}
                      {formatCompactCount(user.outputTokens)}
                    </td>
                    <td className="numeric">
                      {allUnpriced || user.costUsd === 0 ? (
                        <span className="muted" title="No priced requests">
                          unpriced
                        </span>
                      ) : (
                        formatUsd(user.costUsd)
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </>
  );
}

/**
 * Two versions of one prompt side by side: each metric for A and B and the change from A to
 * B, coloured by whether it is better or worse (lower latency, cost and error rate are better;
 * higher eval scores are better).
 */
import {
  formatCompactCount,
  formatCost,
  formatLatency,
  formatPercent,
  formatUsd,
} from '../../../components/format/humanFormat.ts';
import type { MetricsValuesView } from '../../overview/api/operations.ts';
import type { PromptCompareResponse } from '../api/operations.ts';

type Better = 'lower' | 'higher' | 'neither';

/** Relative change from a to b as `+12%` / `−3.4%`, and whether it is an improvement. */
export function describeChange(
  a: number | null,
  b: number | null,
  better: Better,
): { text: string; tone: 'better' | 'worse' | 'same' } {
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b)) {
    return { text: '—', tone: 'same' };
  }
  if (a === b) return { text: '±0', tone: 'same' };
  if (a === 0) return { text: b > 0 ? 'new' : '—', tone: 'same' };
  const ratio = (b - a) / Math.abs(a);
  const sign = ratio > 0 ? '+' : '−';
  const text = `${sign}${formatPercent(Math.abs(ratio))}`;
  if (better === 'neither') return { text, tone: 'same' };
  const improved = better === 'lower' ? b < a : b > a;
  return { text, tone: improved ? 'better' : 'worse' };
}

interface MetricRow {
  label: string;
  value: (m: MetricsValuesView) => number | null;
  format: (m: MetricsValuesView) => string;
  better: Better;
}

const perRequestCost = (m: MetricsValuesView) => {
  const priced = m.requests - m.unpricedRequests;
  return priced > 0 ? m.costUsd / priced : null;
};

const METRIC_ROWS: readonly MetricRow[] = [
  {
    label: 'Requests',
    value: (m) => m.requests,
    format: (m) => formatCompactCount(m.requests),
    better: 'neither',
  },
  {
    label: 'Error rate',
    value: (m) => m.errorRate,
    format: (m) => formatPercent(m.errorRate),
    better: 'lower',
  },
  {
    label: 'Latency p50',
    value: (m) => m.latencyP50Ms,
    format: (m) => formatLatency(m.latencyP50Ms),
    better: 'lower',
  },
  {
    label: 'Latency p95',
    value: (m) => m.latencyP95Ms,
    format: (m) => formatLatency(m.latencyP95Ms),
    better: 'lower',
  },
  {
    label: 'Latency p99',
    value: (m) => m.latencyP99Ms,
    format: (m) => formatLatency(m.latencyP99Ms),
    better: 'lower',
  },
  {
    label: 'Time to first token p50',
    value: (m) => m.ttftP50Ms,
    format: (m) => formatLatency(m.ttftP50Ms),
    better: 'lower',
  },
  {
    label: 'Tokens in / out per request',
    value: (m) => (m.requests > 0 ? (m.inputTokens + m.outputTokens) / m.requests : null),
    format: (m) =>
      m.requests > 0
        ? `${formatCompactCount(m.inputTokens / m.requests)} / ${formatCompactCount(m.outputTokens / m.requests)}`
        : '—',
    better: 'lower',
  },
  {
    label: 'Cost',
    value: (m) => (m.unpricedRequests >= m.requests ? null : m.costUsd),
    format: (m) =>
      formatCost({
        costUsd: m.costUsd,
        requests: m.requests,
        unpricedRequests: m.unpricedRequests,
      }),
    better: 'neither',
  },
  {
    label: 'Cost per priced request',
    value: perRequestCost,
    format: (m) => {
      const value = perRequestCost(m);
      return value === null ? 'unpriced' : formatUsd(value);
    },
    better: 'lower',
  },
];

export function PromptCompare({ comparison }: { comparison: PromptCompareResponse }) {
  const [a, b] = comparison.versions;
  if (!a || !b) return null;
  const evaluators = [
    ...new Set([...a.evalScores, ...b.evalScores].map((score) => score.evaluator)),
  ].sort();
  return (
    <section className="panel" aria-label="Prompt version comparison" data-testid="prompt-compare">
      <h2>
        {comparison.promptName.slice(0, 200)}: v{a.promptVersion.slice(0, 64)} vs v
        {b.promptVersion.slice(0, 64)}
      </h2>
      <table className="data-table compare-table">
        <thead>
          <tr>
            <th>Metric</th>
            <th className="numeric">A · v{a.promptVersion.slice(0, 64)}</th>
            <th className="numeric">B · v{b.promptVersion.slice(0, 64)}</th>
            <th className="numeric">B vs A</th>
          </tr>
        </thead>
        <tbody>
          {METRIC_ROWS.map((row) => {
            const change = describeChange(row.value(a.metrics), row.value(b.metrics), row.better);
            return (
              <tr key={row.label}>
                <th scope="row">{row.label}</th>
                <td className="numeric">{row.format(a.metrics)}</td>
                <td className="numeric">{row.format(b.metrics)}</td>
                <td className={`numeric change-${change.tone}`}>{change.text}</td>
              </tr>
            );
          })}
          <tr className="section-row">
            <th colSpan={4}>Eval scores (mean · pass rate · count)</th>
          </tr>
          {evaluators.length === 0 ? (
            <tr>
              <td colSpan={4} className="muted">
                No eval scores for these versions in this window (evaluators score traces once the
                enrichment stage runs them).
              </td>
            </tr>
          ) : (
            evaluators.map((evaluator) => {
              const left = a.evalScores.find((score) => score.evaluator === evaluator);
              const right = b.evalScores.find((score) => score.evaluator === evaluator);
              const cell = (score: typeof left) =>
                score
                  ? `${score.mean.toFixed(3)} · ${score.passRate === null ? '—' : formatPercent(score.passRate)} · ${formatCompactCount(score.count)}`
                  : '—';
              const change = describeChange(left?.mean ?? null, right?.mean ?? null, 'higher');
              return (
                <tr key={evaluator}>
                  <th scope="row">{evaluator.slice(0, 128)}</th>
                  <td className="numeric">{cell(left)}</td>
                  <td className="numeric">{cell(right)}</td>
                  <td className={`numeric change-${change.tone}`}>{change.text}</td>
                </tr>
              );
            })
          )}
        </tbody>
      </table>
    </section>
  );
}

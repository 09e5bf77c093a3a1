/** Everything stored about one span: attributes, the conversation, and the raw row. */
import type { ReactNode } from 'react';
import { formatCost } from '../../../components/format/humanFormat.ts';
import type { EvalScoreView, FindingView } from '../api/operations.ts';
import { formatCount, formatDuration, formatTimestamp } from '../displayFormat.ts';
import {
  parseMessagesColumn,
  parsePartsColumn,
  prettyJson,
  prettyJsonValue,
} from '../server/parseMessages.ts';
import type { TraceSpanItem } from '../types.ts';
import { CappedText } from './CappedText.tsx';
import { MessageList, SystemInstructions } from './Conversation.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { findingLabel, spanHighlights } from './findingLocations.ts';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function orDash(value: string): string {
  return value === '' ? '—' : value;
}

function rowForDisplay(span: TraceSpanItem): Record<string, unknown> {
  const { startMs: _startMs, endMs: _endMs, ...row } = span;
  return row;
}

const COST_STATUS_TEXT: Record<string, string> = {
  unknown_model: 'unpriced (no price for this model)',
  no_usage: 'unpriced (no token usage reported)',
};

function costText(span: TraceSpanItem): string {
  if (span.cost_usd !== null) return formatCost({ costUsd: span.cost_usd });
  return COST_STATUS_TEXT[span.cost_status] ?? 'unpriced';
}

function EvalScoresTable({ scores }: { scores: readonly EvalScoreView[] }) {
  return (
    <table className="data-table compact eval-scores">
      <thead>
        <tr>
          <th>Evaluator</th>
          <th className="numeric">Score</th>
          <th>Result</th>
          <th>Label / comment</th>
        </tr>
      </thead>
      <tbody>
        {scores.map((score, index) => (
          <tr key={index}>
            <td>
              {score.evaluator.slice(0, 128)}{' '}
              <span className="muted mono">{score.evaluatorVersion.slice(0, 32)}</span>
            </td>
            <td className="numeric">
              {Number.isFinite(score.value) ? score.value.toFixed(3) : '—'}
            </td>
            <td>
              {score.passed === null ? (
                <span className="muted">—</span>
              ) : (
                <span className={score.passed ? 'badge status-ok' : 'badge status-error'}>
                  {score.passed ? 'pass' : 'fail'}
                </span>
              )}
            </td>
            <td className="ellipsis" title={score.comment.slice(0, 500)}>
              {score.label.slice(0, 128)}
              {score.comment ? <span className="muted"> {score.comment.slice(0, 300)}</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SpanDetails({
  span,
  findings = [],
  evalScores = [],
  contentHidden = false,
}: {
  span: TraceSpanItem;
  findings?: readonly FindingView[];
  evalScores?: readonly EvalScoreView[];
  contentHidden?: boolean;
}) {
  const highlights = spanHighlights(findings);
  const model =
    span.response_model && span.response_model !== span.request_model
      ? `${span.request_model || '—'} → ${span.response_model}`
      : orDash(span.request_model || span.response_model);
  const metadata = Object.entries(span.metadata);
  const system = parsePartsColumn(span.system_instructions);
  const input = parseMessagesColumn(span.input_messages);
  const output = parseMessagesColumn(span.output_messages);
  const hasMessages = system.kind !== 'empty' || input.kind !== 'empty';

  return (
    <section className="span-details" aria-label="Span details">
      <h2>
        {span.name} <span className="kind">{span.kind}</span>{' '}
        <StatusBadge code={span.status_code} message={span.status_message} />
      </h2>
      {span.status_code === 'error' && (span.status_message || span.error_type) ? (
        <div className="panel panel-error">
          {span.error_type ? <strong>{span.error_type.slice(0, 256)}: </strong> : null}
          <CappedText text={span.status_message} />
        </div>
      ) : null}
      {span.truncated ? (
        <p className="note">The producer truncated some values of this span to fit the limits.</p>
      ) : null}

      <dl className="fields">
        <Field label="Model">{model}</Field>
        <Field label="Provider">{orDash(span.provider)}</Field>
        <Field label="Operation">{orDash(span.operation_name)}</Field>
        <Field label="Latency">{formatDuration(span.duration_ms)}</Field>
        <Field label="Time to first token">{formatDuration(span.time_to_first_token_ms)}</Field>
        <Field label="Tokens in / out">
          {formatCount(span.input_tokens)} / {formatCount(span.output_tokens)}
        </Field>
        <Field label="Cached / reasoning tokens">
          {formatCount(span.cached_input_tokens)} / {formatCount(span.reasoning_tokens)}
        </Field>
        <Field label="Cost">{costText(span)}</Field>
        <Field label="Finish reasons">
          {span.finish_reasons.length > 0 ? span.finish_reasons.join(', ') : '—'}
        </Field>
        <Field label="User">{orDash(span.user_id)}</Field>
        <Field label="Session">{orDash(span.session_id)}</Field>
        <Field label="Prompt">
          {span.prompt_name ? `${span.prompt_name} v${span.prompt_version}` : '—'}
        </Field>
        <Field label="Environment / release">
          {orDash(span.environment)} / {orDash(span.release)}
        </Field>
        {span.tool_name ? (
          <Field label="Tool">
            {span.tool_name}
            {span.tool_call_id ? <span className="muted mono"> {span.tool_call_id}</span> : null}
          </Field>
        ) : null}
        <Field label="Tags">
          {span.tags.length > 0
            ? span.tags.map((tag, index) => (
                <span className="tag" key={index}>
                  {tag}
                </span>
              ))
            : '—'}
        </Field>
        <Field label="Start / end">
          {formatTimestamp(span.startMs, span.start_time)} →{' '}
          {formatTimestamp(span.endMs, span.end_time)}
        </Field>
        <Field label="Span / parent">
          <span className="mono">{span.span_id}</span>
          {span.parent_span_id ? (
            <span className="mono muted"> ← {span.parent_span_id}</span>
          ) : null}
        </Field>
        {span.response_id ? (
          <Field label="Response id">
            <span className="mono">{span.response_id}</span>
          </Field>
        ) : null}
        <Field label="SDK">
          {orDash(span.sdk_name)} {span.sdk_version}
        </Field>
      </dl>

      {metadata.length > 0 ? (
        <>
          <h3>Metadata</h3>
          <table className="metadata">
            <tbody>
              {metadata.map(([key, value]) => (
                <tr key={key}>
                  <th className="mono">{key}</th>
                  <td>
                    <CappedText text={value} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}

      {span.request_params ? (
        <>
          <h3>Request parameters</h3>
          <CappedText className="content json" text={prettyJsonValue(span.request_params)} />
        </>
      ) : null}
      {span.prompt_variables ? (
        <>
          <h3>Prompt variables</h3>
          <CappedText className="content json" text={prettyJsonValue(span.prompt_variables)} />
        </>
      ) : null}

      <h3>Findings</h3>
      {findings.length === 0 ? (
        <p className="muted" data-testid="no-findings">
          No findings in this span (PII, secrets and injection are marked here once the enrichment
          stage has scanned it).
        </p>
      ) : (
        <ul className="findings-list">
          {findings.slice(0, 200).map((finding, index) => (
            <li key={index}>
              <span className="tag finding-tag">{finding.type.slice(0, 64)}</span>{' '}
              <span className="muted">
                {findingLabel(finding)} in {finding.field.slice(0, 64)} message{' '}
                {finding.messageIndex}, part {finding.partIndex}, characters {finding.start}–
                {finding.end}
              </span>
            </li>
          ))}
        </ul>
      )}

      <h3>Eval scores</h3>
      {evalScores.length === 0 ? (
        <p className="muted" data-testid="no-eval-scores">
          No eval scores for this span.
        </p>
      ) : (
        <EvalScoresTable scores={evalScores} />
      )}

      {contentHidden ? (
        <p className="note">Messages and raw values are hidden: your role cannot read content.</p>
      ) : null}
      {hasMessages ? (
        <>
          <h3>Input</h3>
          <div className="conversation">
            <SystemInstructions column={system} highlightsFor={highlights.system} />
            <MessageList column={input} highlightsFor={highlights.input} />
          </div>
        </>
      ) : null}
      {output.kind !== 'empty' ? (
        <>
          <h3>Output</h3>
          <div className="conversation">
            <MessageList column={output} highlightsFor={highlights.output} />
          </div>
        </>
      ) : null}

      <details className="raw-row">
        <summary>Raw row (JSON)</summary>
        <CappedText className="content json" text={prettyJson(rowForDisplay(span))} />
      </details>
    </section>
  );
}

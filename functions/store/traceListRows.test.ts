/**
 * The pure parts of merging trace_list_rows: ClickHouse's string order and the fold.
 * The merge itself is compared with the engine's aggregates in readRepositories.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { dateTime64Micros } from './dateTime.ts';
import { compareStrings, mergeTraceListRows } from './traceListRows.ts';

describe('compareStrings', () => {
  it('orders by code point, as UTF-8 bytes do, not by UTF-16 unit', () => {
    // U+FF5E (one UTF-16 unit) sorts before U+1F600 (a surrogate pair) in UTF-8 bytes, while
    // JavaScript's default order puts the pair's high surrogate (0xD83D) first.
    const values = ['😀', '～', 'b', 'a', 'ab', ''];
    expect([...values].sort(compareStrings)).toEqual(['', 'a', 'ab', 'b', '～', '😀']);
    expect([...values].sort()).not.toEqual([...values].sort(compareStrings));
  });
});

describe('mergeTraceListRows', () => {
  const document = (overrides: Record<string, unknown>) =>
    JSON.stringify({
      trace_end: '2026-11-26 10:00:05.000000',
      span_facts: [],
      tag_set: [],
      pii_type_set: [],
      eval_failed_set: [],
      max_injection_score: 0,
      root_name: 'child',
      root_key: [1, '2026-11-26 10:00:01.000000'],
      first_model: '',
      first_model_at: '1970-01-01 00:00:00.000000',
      first_user: '',
      first_user_at: '1970-01-01 00:00:00.000000',
      first_session: '',
      first_session_at: '1970-01-01 00:00:00.000000',
      first_prompt: ['', ''],
      first_prompt_at: '1970-01-01 00:00:00.000000',
      first_environment: '',
      first_environment_at: '1970-01-01 00:00:00.000000',
      input_preview: '',
      input_preview_at: '1970-01-01 00:00:00.000000',
      output_preview: '',
      output_preview_at: '1970-01-01 00:00:00.000000',
      ...overrides,
    });

  it('folds a trace’s rows, a span stored twice counted once, unset values ignored', () => {
    const fact = ['s1', 'ok', '10', '4', 0.5, 1, 0];
    const [merged, ...others] = mergeTraceListRows([
      {
        trace_id: 't1',
        trace_start: '2026-11-26 10:00:01.000000',
        document: document({
          span_facts: [fact],
          tag_set: ['b'],
          first_user: 'late',
          first_user_at: '2026-11-26 10:00:03.000000',
          output_preview: 'first answer',
          output_preview_at: '2026-11-26 10:00:02.000000',
        }),
      },
      {
        trace_id: 't1',
        trace_start: '2026-11-26 10:00:00.500000',
        document: document({
          trace_end: '2026-11-26 10:00:09.000000',
          span_facts: [fact, ['s2', 'error', 2, 1, null, 0, 3]],
          tag_set: ['a', 'b'],
          root_name: 'root',
          root_key: [0, '2026-11-26 10:00:00.500000'],
          first_user: 'early',
          first_user_at: '2026-11-26 10:00:00.500000',
          output_preview: 'last answer',
          output_preview_at: '2026-11-26 10:00:09.000000',
        }),
      },
    ]);
    expect(others).toEqual([]);
    expect(merged?.startUs).toBe(dateTime64Micros('2026-11-26 10:00:00.500000'));
    expect(merged?.row).toMatchObject({
      trace_id: 't1',
      t_name: 'root',
      t_start_text: '2026-11-26T10:00:00.500000Z',
      t_duration_ms: 8_500,
      t_spans: 2,
      t_errors: 1,
      t_oks: 1,
      t_input_tokens: 12,
      t_output_tokens: 5,
      t_cost: 0.5,
      t_secrets: 3,
      t_tags: ['a', 'b'],
      t_user: 'early',
      t_model: '',
      t_prompt: ['', ''],
      t_output_preview: 'last answer',
    });
  });
});

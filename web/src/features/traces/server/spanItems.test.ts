import { describe, expect, it } from 'vitest';
import type { TraceSpan } from '../../../../../functions/store/spansRepository.ts';
import { buildTraceSpanRow } from '../testing/factories.ts';
import { toTraceSpanItem, toTraceSpanView } from './spanItems.ts';

describe('toTraceSpanView / toTraceSpanItem', () => {
  it('turns UInt64 strings into numbers and parses DateTime64 text as UTC', () => {
    // Prepare: ClickHouse quotes 64-bit integers in JSON output.
    const row = buildTraceSpanRow({
      input_tokens: '120' as unknown as number,
      output_tokens: '7' as unknown as number,
      cached_input_tokens: '3' as unknown as number,
      start_time: '2026-11-26 14:20:01.123456',
      end_time: '2026-11-26 14:20:02.000000',
      cost_usd: '0.0123' as unknown as number,
    });

    // Act
    const item = toTraceSpanItem(toTraceSpanView(row));

    // Assess
    expect(item.input_tokens).toBe(120);
    expect(item.output_tokens).toBe(7);
    expect(item.cached_input_tokens).toBe(3);
    expect(item.cost_usd).toBe(0.0123);
    expect(item.startMs).toBeCloseTo(Date.UTC(2026, 10, 26, 14, 20, 1, 123) + 0.456, 3);
    expect(item.endMs).toBe(Date.UTC(2026, 10, 26, 14, 20, 2));
  });

  it('tolerates missing or malformed fields', () => {
    const row = {
      ...buildTraceSpanRow(),
      tags: null,
      metadata: 'oops',
      finish_reasons: undefined,
      time_to_first_token_ms: '42.5',
      end_time: 'not a time',
      duration_ms: 'x',
      cost_usd: null,
    } as unknown as TraceSpan;

    const item = toTraceSpanItem(toTraceSpanView(row));

    expect(item.tags).toEqual([]);
    expect(item.metadata).toEqual({});
    expect(item.finish_reasons).toEqual([]);
    expect(item.time_to_first_token_ms).toBe(42.5);
    expect(item.duration_ms).toBe(0);
    expect(item.cost_usd).toBeNull();
    expect(item.endMs).toBe(item.startMs);
  });

  it('returns only the documented fields (no project id or ingest bookkeeping)', () => {
    const view = toTraceSpanView(buildTraceSpanRow());

    expect(view).not.toHaveProperty('project_id');
    expect(view).not.toHaveProperty('ingested_at');
  });
});

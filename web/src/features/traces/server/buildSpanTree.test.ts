import { describe, expect, it } from 'vitest';
import { buildTraceSpanItem } from '../testing/factories.ts';
import { buildSpanTree } from './buildSpanTree.ts';

const span = (id: string, parent: string, startMs: number) =>
  buildTraceSpanItem({
    span_id: id.padEnd(16, '0'),
    parent_span_id: parent ? parent.padEnd(16, '0') : '',
    startMs,
  });

function shape(entries: ReturnType<typeof buildSpanTree>): string[] {
  return entries.map(
    (entry) =>
      `${'  '.repeat(entry.depth)}${entry.span.span_id.slice(0, 2)}${entry.orphan ? '!' : ''}`,
  );
}

describe('buildSpanTree', () => {
  it('nests children under parents, ordered by start time', () => {
    const entries = buildSpanTree([
      span('c2', 'a1', 30),
      span('a1', '', 0),
      span('c1', 'a1', 10),
      span('d1', 'c1', 15),
    ]);

    expect(shape(entries)).toEqual(['a1', '  c1', '    d1', '  c2']);
  });

  it('shows a span whose parent is missing at the top level, marked', () => {
    const entries = buildSpanTree([span('a1', '', 0), span('b1', 'ff', 5)]);

    expect(shape(entries)).toEqual(['a1', 'b1!']);
  });

  it('shows spans caught in a parent cycle once each instead of dropping them', () => {
    const entries = buildSpanTree([span('a1', 'b1', 0), span('b1', 'a1', 5), span('e1', 'e1', 1)]);

    expect(entries).toHaveLength(3);
    expect(new Set(entries.map((entry) => entry.span.span_id)).size).toBe(3);
  });

  it('handles a very deep chain without recursion', () => {
    const chain = Array.from({ length: 20_000 }, (_, index) =>
      buildTraceSpanItem({
        span_id: index.toString(16).padStart(16, '0'),
        parent_span_id: index === 0 ? '' : (index - 1).toString(16).padStart(16, '0'),
        startMs: index,
      }),
    );

    const entries = buildSpanTree(chain);

    expect(entries).toHaveLength(20_000);
    expect(entries.at(-1)?.depth).toBe(19_999);
  });
});

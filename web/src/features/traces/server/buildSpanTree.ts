/**
 * Orders a trace's spans as a tree (depth-first, children by start time) for the waterfall.
 * Parent links come from producers and are not trusted: a span whose parent is missing is
 * shown at the top level and marked, and spans caught in a parent cycle are shown once each.
 */
import type { SpanTreeEntry, TraceSpanItem } from '../types.ts';

function byStart(a: TraceSpanItem, b: TraceSpanItem): number {
  return a.startMs - b.startMs || a.span_id.localeCompare(b.span_id);
}

export function buildSpanTree(spans: readonly TraceSpanItem[]): SpanTreeEntry[] {
  const ids = new Set(spans.map((span) => span.span_id));
  const children = new Map<string, TraceSpanItem[]>();
  const roots: TraceSpanItem[] = [];
  for (const span of spans) {
    const parent = span.parent_span_id;
    if (parent && parent !== span.span_id && ids.has(parent)) {
      const siblings = children.get(parent) ?? [];
      siblings.push(span);
      children.set(parent, siblings);
    } else {
      roots.push(span);
    }
  }

  const entries: SpanTreeEntry[] = [];
  const visited = new Set<TraceSpanItem>();
  const visit = (root: TraceSpanItem): void => {
    // An explicit stack: a producer can send a chain deep enough to overflow recursion.
    const stack: { span: TraceSpanItem; depth: number }[] = [{ span: root, depth: 0 }];
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      const { span, depth } = top;
      if (visited.has(span)) continue;
      visited.add(span);
      entries.push({
        span,
        depth,
        orphan: depth === 0 && span.parent_span_id !== '' && !ids.has(span.parent_span_id),
      });
      const next = [...(children.get(span.span_id) ?? [])].sort(byStart).reverse();
      for (const child of next) stack.push({ span: child, depth: depth + 1 });
    }
  };

  for (const root of [...roots].sort(byStart)) visit(root);
  // Whatever is left hangs off a parent cycle; show it rather than drop it.
  for (const span of [...spans].sort(byStart)) if (!visited.has(span)) visit(span);
  return entries;
}

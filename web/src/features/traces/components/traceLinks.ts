/** Links between the traces pages; ids are encoded even though they are validated at ingest. */
import type { UrlObject } from 'node:url';

export function traceHref(projectId: string, traceId: string, spanId?: string): UrlObject {
  return {
    pathname: `/traces/${encodeURIComponent(traceId)}`,
    query: spanId ? { project: projectId, span: spanId } : { project: projectId },
  };
}

export function tracesListHref(projectId: string): UrlObject {
  return { pathname: '/traces', query: { project: projectId } };
}

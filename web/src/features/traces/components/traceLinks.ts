/** Links to a trace (optionally at one span); ids are encoded even though they are validated. */
import type { UrlObject } from 'node:url';
import { explorePaths } from '../../../components/url/projectLinks.ts';

export function traceHref(projectId: string, traceId: string, spanId?: string): UrlObject {
  return {
    pathname: explorePaths.trace(projectId, traceId),
    query: spanId ? { span: spanId } : {},
  };
}

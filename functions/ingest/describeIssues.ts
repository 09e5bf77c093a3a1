/**
 * Summarises validation issues for dead letters and logs: paths and messages only, never the
 * offending values, which may hold personal data.
 */
import type { z } from 'zod';
import { MAX_DEAD_LETTER_DETAIL_CHARS } from './constants.ts';

export function describeIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string {
  const text = issues
    .slice(0, 20)
    .map((issue) => `${prefix}${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  const more = issues.length > 20 ? `; and ${issues.length - 20} more` : '';
  return (text + more).slice(0, MAX_DEAD_LETTER_DETAIL_CHARS);
}

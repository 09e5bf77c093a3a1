/**
 * Per-project assertion rules: `{name, field: 'input'|'output', kind, pattern, flags?}`.
 * `regex` passes when the pattern matches, `contains` when the text includes the pattern,
 * `not_contains` when it does not (`flags: 'i'` makes the contains kinds case-insensitive).
 * Each rule yields one score named `assertion:<name>`. A malformed rule, an invalid or unsafe
 * pattern gives an error score (`passed: null`), never an exception. Regexes go through
 * `compileSafeRegex`: RE2, linear in the text whatever the pattern, on at most its first
 * MAX_INPUT_CHARS characters.
 */
import { z } from 'zod';
import { EVALUATORS } from './constants.ts';
import {
  compileSafeRegex,
  MAX_INPUT_CHARS,
  MAX_PATTERN_CHARS,
  type SafeRegex,
} from './safeRegex.ts';
import type { SpanTexts } from './spanText.ts';
import { ASSERTION_FIELDS, ASSERTION_KINDS, type AssertionRule, type EvalScore } from './types.ts';

const MAX_RULE_NAME_CHARS = 100;
const MAX_CACHED_REGEXES = 1_024;

export const AssertionRuleSchema = z.object({
  name: z.string().min(1).max(MAX_RULE_NAME_CHARS),
  field: z.enum(ASSERTION_FIELDS),
  kind: z.enum(ASSERTION_KINDS),
  pattern: z.string().min(1).max(MAX_PATTERN_CHARS),
  flags: z.string().max(8).optional(),
});

type CompiledRegex = { ok: true; safe: SafeRegex } | { ok: false; reason: string };
const regexCache = new Map<string, CompiledRegex>();

function compileCached(pattern: string, flags: string): CompiledRegex {
  const key = `${flags}/${pattern}`;
  const cached = regexCache.get(key);
  if (cached !== undefined) return cached;
  let result: CompiledRegex;
  try {
    result = { ok: true, safe: compileSafeRegex(pattern, flags) };
  } catch (error) {
    result = { ok: false, reason: (error as Error).message };
  }
  if (regexCache.size >= MAX_CACHED_REGEXES) {
    const oldest = regexCache.keys().next().value;
    if (oldest !== undefined) regexCache.delete(oldest);
  }
  regexCache.set(key, result);
  return result;
}

function ruleLabel(rule: unknown, index: number): string {
  const name = (rule as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name !== '' ? name.slice(0, MAX_RULE_NAME_CHARS) : `#${index}`;
}

function errorScore(name: string, reason: string): EvalScore {
  return {
    evaluator: `${EVALUATORS.assertion.name}:${name}`,
    version: EVALUATORS.assertion.version,
    value: 0,
    passed: null,
    label: 'invalid_rule',
    comment: reason.slice(0, 300),
  };
}

/** Evaluates one rule; `rule` is untrusted configuration. */
export function evaluateAssertion(
  rule: unknown,
  index: number,
  texts: SpanTexts,
): EvalScore | null {
  const parsed = AssertionRuleSchema.safeParse(rule);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return errorScore(
      ruleLabel(rule, index),
      `invalid rule: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
    );
  }
  const valid: AssertionRule = parsed.data;
  const text = valid.field === 'input' ? texts.input : texts.output;
  if (text === undefined) return null;
  const evaluator = `${EVALUATORS.assertion.name}:${valid.name}`;
  const flags = valid.flags ?? '';
  let passed: boolean;
  let comment: string | undefined;
  if (valid.kind === 'regex') {
    const compiled = compileCached(valid.pattern, flags);
    if (!compiled.ok) return errorScore(valid.name, compiled.reason);
    passed = compiled.safe.test(text);
    if (text.length > MAX_INPUT_CHARS) {
      comment = `matched against the first ${MAX_INPUT_CHARS} characters`;
    }
  } else {
    const ignoreCase = flags.includes('i');
    const haystack = ignoreCase ? text.toLowerCase() : text;
    const needle = ignoreCase ? valid.pattern.toLowerCase() : valid.pattern;
    const found = haystack.includes(needle);
    passed = valid.kind === 'contains' ? found : !found;
  }
  return {
    evaluator,
    version: EVALUATORS.assertion.version,
    value: passed ? 1 : 0,
    passed,
    label: passed ? 'pass' : 'fail',
    ...(comment === undefined ? {} : { comment }),
  };
}

export function assertions(rules: readonly unknown[] | undefined, texts: SpanTexts): EvalScore[] {
  if (!Array.isArray(rules)) return [];
  const scores: EvalScore[] = [];
  rules.forEach((rule, index) => {
    const score = evaluateAssertion(rule, index, texts);
    if (score !== null) scores.push(score);
  });
  return scores;
}

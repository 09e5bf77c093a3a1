/**
 * Reads the judge model's answer: a JSON object `{score: 1..5, reasoning}`, possibly wrapped
 * in a Markdown fence or surrounded by prose, mapped to a value in [0, 1]. Pure; anything
 * else is a JudgeVerdictError.
 */
import { z } from 'zod';
import { MAX_REASONING_CHARS, PASS_THRESHOLD } from './constants.ts';
import { JudgeVerdictError } from './errors.ts';

const VerdictSchema = z.object({
  score: z.coerce.number().min(1).max(5),
  reasoning: z.string().default(''),
});

export interface JudgeVerdict {
  /** (score - 1) / 4: 1 → 0, 5 → 1. */
  value: number;
  passed: boolean;
  /** The judge's reasoning, cut to MAX_REASONING_CHARS. */
  reasoning: string;
}

/** The first balanced `{…}` of the text (the judge may add prose around its JSON). */
function firstJsonObject(text: string): string | undefined {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth += 1;
    else if (char === '}') {
      depth -= 1;
      if (depth === 0) return text.slice(start, index + 1);
    }
  }
  return undefined;
}

export function parseJudgeVerdict(text: string): JudgeVerdict {
  const json = firstJsonObject(text);
  if (!json) throw new JudgeVerdictError('the judge answered without a JSON object');
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new JudgeVerdictError('the judge answered with malformed JSON');
  }
  const parsed = VerdictSchema.safeParse(raw);
  if (!parsed.success) {
    throw new JudgeVerdictError(
      `the judge's verdict has no valid score (${parsed.error.issues[0]?.path.join('.') || 'root'})`,
    );
  }
  const value = Math.round(((parsed.data.score - 1) / 4) * 1000) / 1000;
  return {
    value,
    passed: value >= PASS_THRESHOLD,
    reasoning: parsed.data.reasoning.trim().slice(0, MAX_REASONING_CHARS),
  };
}

/**
 * `sightline scan`: JSON lines `{ "id": …, "text": "…" }` in, one JSON line per input out —
 * `{ id, findings, secrets, injection, toxicity }`, or `{ id, line, error }` for a line that
 * is not such an object or whose text a detector failed on (the scan goes on; nothing is
 * dropped in silence).
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { z } from 'zod';
import { scanText } from './scanText.ts';

const ScanInputSchema = z.object({
  id: z.union([z.string(), z.number()]),
  text: z.string(),
  source: z.enum(['user', 'context', 'tool', 'document', 'output']).optional(),
});

export function scanLine(line: string, lineNumber: number): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { id: null, line: lineNumber, error: 'not valid JSON' };
  }
  const parsed = ScanInputSchema.safeParse(raw);
  if (!parsed.success) {
    const id = (raw as { id?: unknown } | null)?.id;
    return {
      id: typeof id === 'string' || typeof id === 'number' ? id : null,
      line: lineNumber,
      error: `expected {"id": string|number, "text": string}: ${parsed.error.issues
        .map((issue) => `${issue.path.join('.') || 'line'} ${issue.message}`)
        .join('; ')}`,
    };
  }
  try {
    return { id: parsed.data.id, ...scanText(parsed.data.text, parsed.data.source ?? 'user') };
  } catch {
    // A detector failed on this text: say so for this line and go on with the next. The
    // detector's own message is not echoed: it may quote the text.
    return { id: parsed.data.id, line: lineNumber, error: 'detection failed on this text' };
  }
}

/** Scans every non-blank line; resolves with counts. */
export async function scanJsonLines(
  input: Readable,
  output: Writable,
): Promise<{ scanned: number; errors: number }> {
  let lineNumber = 0;
  let scanned = 0;
  let errors = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    const result = scanLine(line, lineNumber);
    if ('error' in result) errors += 1;
    else scanned += 1;
    if (!output.write(`${JSON.stringify(result)}\n`))
      await new Promise((resolve) => output.once('drain', resolve));
  }
  return { scanned, errors };
}

/**
 * Times the deterministic evaluators on realistic ~2 KB LLM spans (a mix of prose answers,
 * JSON answers with a declared schema, refusals, non-English conversations and assertion
 * rules) and prints the mean, p50 and p99 per span and each evaluator's share.
 *
 *   npx tsx functions/evaluate/benchmarkEvaluators.ts [spans=20000]
 */
import type { SpanItem } from '../../sdk/src/contract/items.ts';
import { SpanItemSchema } from '../../sdk/src/contract/items.ts';
import { evaluateSpan, EVALUATOR_NAMES } from './evaluateSpan.ts';
import type { EvaluatorConfig } from './types.ts';

const QUESTIONS = [
  'Can you explain how to configure retries for the payment webhook in our Node service? We keep seeing duplicate charges when the provider times out after 30 seconds.',
  'Summarise the attached incident report for the weekly ops review and list the follow-up actions with owners.',
  'Write a short product description for a waterproof hiking backpack with a 30 litre capacity.',
  "Pouvez-vous m'expliquer comment configurer les sauvegardes automatiques de la base de données chaque nuit ?",
];
const PARAGRAPH =
  'The webhook handler should treat every delivery as at-least-once. Store the provider event id in a table with a unique constraint before performing side effects, and return early when the insert conflicts. Retries then become harmless, and the timeout at 30 seconds only delays the acknowledgement instead of charging twice. ';
const FRENCH =
  'Pour configurer les sauvegardes automatiques, créez une tâche planifiée qui exécute la commande de sauvegarde chaque nuit à deux heures, puis vérifiez que les fichiers sont copiés vers un stockage externe et que la rétention est de trente jours. ';

function answerFor(
  kind: number,
  id: number,
): {
  text: string;
  metadata?: Record<string, string>;
  outputType?: string;
} {
  if (kind === 1) {
    const items = Array.from({ length: 18 }, (_, i) => ({
      action: `Follow-up action number ${i + 1} for the incident review`,
      owner: `owner${i}@example.com`,
      due: '2026-12-01',
    }));
    return {
      text: JSON.stringify({ id, summary: PARAGRAPH, actions: items }),
      outputType: 'json',
      metadata: {
        'sightline.output_schema': JSON.stringify({
          type: 'object',
          required: ['summary', 'actions'],
          properties: {
            summary: { type: 'string' },
            actions: {
              type: 'array',
              items: {
                type: 'object',
                required: ['action', 'owner'],
                properties: {
                  action: { type: 'string' },
                  owner: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$' },
                },
              },
            },
          },
        }),
      },
    };
  }
  if (kind === 2) {
    return {
      text:
        `I'm sorry, but I can't help with writing description ${id} as requested. ` +
        'However, I can suggest a neutral product description that focuses on the features. '.repeat(
          20,
        ),
    };
  }
  if (kind === 3) return { text: `Demande ${id}. ${FRENCH.repeat(8)}` };
  return { text: `Ticket ${id}. ${PARAGRAPH.repeat(6)}` };
}

function buildSpan(i: number): SpanItem {
  const kind = i % 4;
  // Every span's text differs, as in real traffic (no evaluator can reuse a previous result).
  const answer = answerFor(kind, i);
  return {
    type: 'span',
    traceId: 'a'.repeat(31) + (i % 10),
    spanId: 'b'.repeat(15) + (i % 10),
    name: 'chat',
    kind: 'llm',
    startTime: 1_760_000_000_000 + i,
    endTime: 1_760_000_000_500 + i,
    status: { code: 'ok' },
    request:
      answer.outputType === undefined ? { maxTokens: 1024 } : { outputType: answer.outputType },
    finishReasons: ['stop'],
    inputMessages: [
      {
        role: 'system',
        parts: [{ type: 'text', content: 'You are a helpful assistant for the operations team.' }],
      },
      { role: 'user', parts: [{ type: 'text', content: QUESTIONS[kind] ?? '' }] },
    ],
    outputMessages: [
      {
        role: 'assistant',
        parts: [{ type: 'text', content: answer.text.slice(0, 1800) }],
        finishReason: 'stop',
      },
    ],
    ...(answer.metadata === undefined ? {} : { metadata: answer.metadata }),
  };
}

const CONFIG: EvaluatorConfig = {
  assertions: [
    {
      name: 'no-internal-hosts',
      field: 'output',
      kind: 'not_contains',
      pattern: 'internal.corp',
      flags: 'i',
    },
    { name: 'mentions-id', field: 'output', kind: 'regex', pattern: '\\bevent id\\b', flags: 'i' },
  ],
  findings: { outputPiiCount: 0, outputSecretCount: 0 },
};

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

function main(): void {
  const count = Number(process.argv[2] ?? 20_000);
  const spans = Array.from({ length: 1_000 }, (_, i) => buildSpan(i));
  const bytes = spans.reduce((s, span) => s + JSON.stringify(span).length, 0) / spans.length;
  for (let i = 0; i < 2_000; i += 1) evaluateSpan(spans[i % spans.length] as SpanItem, CONFIG);

  const durations: number[] = [];
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) {
    const t0 = process.hrtime.bigint();
    evaluateSpan(spans[i % spans.length] as SpanItem, CONFIG);
    durations.push(Number(process.hrtime.bigint() - t0) / 1_000);
  }
  const totalMicros = Number(process.hrtime.bigint() - started) / 1_000;
  // CPU time is reported beside wall time: on a shared machine wall time includes waiting.
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMicros = (cpu.user + cpu.system) / count;
  durations.sort((a, b) => a - b);

  // On a shared machine one pass is noisy: each figure below is the fastest of several
  // rounds (CPU time per span), measured for the chain, for each evaluator alone, and for a
  // yardstick every span pays anyway (JSON.parse of the record plus zod validation).
  const rounds = 7;
  const perRound = Math.min(count, 1_000);
  const fastest = (run: (span: SpanItem, json: string) => unknown): number => {
    let best = Infinity;
    for (let round = 0; round < rounds; round += 1) {
      const before = process.cpuUsage();
      for (let i = 0; i < perRound; i += 1) {
        const k = i % spans.length;
        run(spans[k] as SpanItem, json[k] as string);
      }
      const used = process.cpuUsage(before);
      best = Math.min(best, (used.user + used.system) / perRound);
    }
    return best;
  };
  const json = spans.map((span) => JSON.stringify(span));
  const chain = fastest((span) => evaluateSpan(span, CONFIG));
  const yardstick = fastest((_span, text) => SpanItemSchema.safeParse(JSON.parse(text)));
  const perEvaluator = EVALUATOR_NAMES.map((name) => {
    const only = { ...CONFIG, disabled: EVALUATOR_NAMES.filter((other) => other !== name) };
    return { name, micros: fastest((span) => evaluateSpan(span, only)) };
  });
  const empty = fastest((span) => evaluateSpan(span, { disabled: EVALUATOR_NAMES }));
  process.stdout.write(
    [
      `spans=${count} mean span size=${Math.round(bytes)} bytes (JSON)`,
      `single pass: CPU ${cpuMicros.toFixed(1)} µs/span; wall mean ${(totalMicros / count).toFixed(1)} µs, p50 ${percentile(durations, 0.5).toFixed(1)} µs, p99 ${percentile(durations, 0.99).toFixed(1)} µs`,
      `fastest of ${rounds} rounds x ${perRound} spans (CPU µs/span):`,
      `  all evaluators      ${chain.toFixed(1)}  (=> ${Math.round(1e6 / chain)} spans/s per core)`,
      `  yardstick: JSON.parse + zod SpanItemSchema ${yardstick.toFixed(1)}  (evaluators = ${(chain / yardstick).toFixed(2)}x yardstick)`,
      `  span text extraction (no evaluator) ${empty.toFixed(1)}`,
      ...perEvaluator.map(
        ({ name, micros }) => `  ${name.padEnd(18)} ${Math.max(0, micros - empty).toFixed(1)}`,
      ),
    ].join('\n') + '\n',
  );
}

main();

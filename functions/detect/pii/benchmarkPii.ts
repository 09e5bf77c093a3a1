/**
 * Throughput of detectPii on realistic 2 KB spans: chat-style prose and code with PII sprinkled
 * in (from the generated cases), measured on one core after a warm-up.
 *
 * Run: npx tsx functions/detect/pii/benchmarkPii.ts [spanCount]
 */
import { fileURLToPath } from 'node:url';
import { detectPii } from './detectPii.ts';
import { seededRandom } from '../../common/seededRandom.ts';
import { generateSyntheticCases } from './syntheticPiiCases.ts';

const PROSE = [
  'Summarize the following article: The Federal Reserve raised interest rates by 25 basis points on Wednesday, citing persistent inflation and a strong labour market.',
  'Write a Python function that returns the Fibonacci sequence up to n = 100. Use NumPy if needed and add type hints.',
  'I use Kubernetes and Terraform with PostgreSQL on AWS Lambda. Can you write a Dockerfile for a Node 20 service?',
  'Error: ECONNREFUSED at TCPConnectWrap.afterConnect (node:net:1555:16) — the database is not reachable from the container.',
  'Thanks! Could you also explain the difference between a process and a thread, with an example in Go?',
  'The meeting with the Marketing Team moved to Thursday at 10:30 in Room 204; please bring the Q3 numbers.',
  '```ts\nexport function add(a: number, b: number): number {\n  return a + b;\n}\n```\nWhy does this fail the lint rule?',
  'Chapter 12 of the book starts on page 210 and covers the French Revolution from 1789 to 1799.',
];

export function buildSpans(count: number, size = 2048, seed = 7): string[] {
  const random = seededRandom(seed);
  const cases = generateSyntheticCases(seed, 20);
  const spans: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    while (text.length < size) {
      const usePii = random() < 0.25;
      const piece = usePii
        ? cases[Math.floor(random() * cases.length)]!.text
        : PROSE[Math.floor(random() * PROSE.length)]!;
      text += `${piece}\n`;
    }
    spans.push(text.slice(0, size));
  }
  return spans;
}

export interface BenchmarkResult {
  spans: number;
  meanMicros: number;
  p50Micros: number;
  p99Micros: number;
  spansPerSecond: number;
  /** Process CPU time per span: less sensitive than wall time to other load on the machine. */
  cpuMicros: number;
}

export function benchmarkPii(spans: readonly string[]): BenchmarkResult {
  for (const span of spans.slice(0, 200)) detectPii(span);
  const timings: number[] = [];
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (const span of spans) {
    const t = performance.now();
    detectPii(span);
    timings.push((performance.now() - t) * 1000);
  }
  const total = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  timings.sort((a, b) => a - b);
  const at = (q: number) => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))]!;
  return {
    spans: spans.length,
    meanMicros: (total * 1000) / spans.length,
    p50Micros: at(0.5),
    p99Micros: at(0.99),
    spansPerSecond: spans.length / (total / 1000),
    cpuMicros: (cpu.user + cpu.system) / spans.length,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? 5000);
  const result = benchmarkPii(buildSpans(count));
  process.stdout.write(
    `${result.spans} spans of 2 KB: mean ${result.meanMicros.toFixed(1)} µs, p50 ${result.p50Micros.toFixed(1)} µs, p99 ${result.p99Micros.toFixed(1)} µs, ${Math.round(result.spansPerSecond)} spans/s (wall); CPU ${result.cpuMicros.toFixed(1)} µs per span\n`,
  );
}

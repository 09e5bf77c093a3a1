/**
 * `npm run bench [-- suite…]`: measures on this machine and writes each suite's section of
 * docs/benchmarks.md (test/bench/benchmarkReport.ts). Suites:
 *
 * - platform: ingest handler throughput on one core (realistic ~2 KB spans, embedded
 *   ClickHouse), SDK emit → queryable latency and start-up time on the local stack;
 * - sdk: SDK overhead per traced call beside OpenTelemetry and Langfuse (sdkOverhead.ts);
 * - enrich: the enrichment chain on one core (enrichThroughput.ts);
 * - web: dashboard and explorer queries on 10 million seeded spans beside the Langfuse-style
 *   table (webQueries.ts; `npm run bench -- web [options]`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { INGEST_V8_OPTIONS } from '../../functions/ingest/runtimeOptions.ts';
import type { IngestResult } from './ingestThroughput.ts';
import { percentile } from './percentile.ts';
import {
  REPOSITORY_ROOT,
  clickhouseForStack,
  runCli,
  sdkForStack,
  startStackProcess,
  waitFor,
} from '../helpers/localStackProcess.ts';
import { readStackFile } from '../../infra/local/stackFile.ts';
import { signInForCookie, TEST_ADMIN, testAdminEnv } from '../helpers/webSession.ts';
import { machineLine, writeReportSection } from './benchmarkReport.ts';
import { bundleForBench } from './bundleForBench.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);

interface LatencyResult {
  spans: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  sdkFlushIntervalMs: number;
}

async function benchEmitToQueryable(): Promise<LatencyResult> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'sightline-bench-stack-'));
  const stack = await startStackProcess(home, ['--no-demo', '--no-web']);
  const { info } = stack;
  const clickhouse = clickhouseForStack(info);
  const sdkFlushIntervalMs = 200;
  const sightline = sdkForStack(info, { flushIntervalMs: sdkFlushIntervalMs });
  const emitted = new Map<string, number>();
  const latencies: number[] = [];
  const total = 200;
  try {
    let sent = 0;
    const emitter = setInterval(() => {
      if (sent >= total) return;
      sent += 1;
      sightline.trace('latency-probe', (span) => emitted.set(span.traceId, performance.now()));
    }, 25);
    const deadline = Date.now() + 120_000;
    while (latencies.length < total && Date.now() < deadline) {
      const pending = [...emitted.keys()];
      if (pending.length > 0) {
        const result = await clickhouse.query({
          query:
            'SELECT DISTINCT trace_id FROM spans WHERE project_id = {projectId:String} AND trace_id IN {ids:Array(String)}',
          query_params: { projectId: info.demoProject.projectId, ids: pending },
          format: 'JSONEachRow',
        });
        const now = performance.now();
        for (const { trace_id: traceId } of await result.json<{ trace_id: string }>()) {
          const at = emitted.get(traceId);
          if (at !== undefined) {
            latencies.push(now - at);
            emitted.delete(traceId);
          }
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    clearInterval(emitter);
  } finally {
    await sightline.shutdown();
    await clickhouse.close();
    await stack.stop();
    rmSync(home, { recursive: true, force: true });
  }
  latencies.sort((a, b) => a - b);
  return {
    spans: latencies.length,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    maxMs: latencies.at(-1) ?? Number.NaN,
    sdkFlushIntervalMs,
  };
}

/** Runs the ingest benchmark in a child process pinned to CPU 0. */
async function runIngestBenchmarkOnOneCore(): Promise<IngestResult & { pinned: boolean }> {
  const { lastLine, pinned } = await pinnedNode('test/bench/ingestThroughput.ts');
  return { ...(JSON.parse(lastLine) as IngestResult), pinned };
}

const format = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

interface StartResult {
  firstStartSeconds: number;
  laterStartSeconds: number;
}

/**
 * Seconds from running `sightline start` until an admin, signing in, sees a demo trace listed
 * on the project's traces page.
 */
async function secondsUntilDemoTracesShow(home: string): Promise<number> {
  const started = performance.now();
  const run = runCli(['start', '--random-ports', '--home', home], { env: testAdminEnv() });
  let cookie: string | undefined;
  try {
    await waitFor(
      async () => {
        const info = readStackFile(home);
        if (!info?.web || info.pid !== run.child.pid) return false;
        cookie ??= await signInForCookie(info.web.url, TEST_ADMIN).catch(() => undefined);
        if (!cookie) return false;
        const page = await fetch(`${info.web.url}/projects/${info.demoProject.projectId}/traces`, {
          headers: { cookie },
        }).then(
          (response) => response.text(),
          () => '',
        );
        return /\/traces\/[0-9a-f]{32}/.test(page);
      },
      Boolean,
      { timeoutMs: 600_000, intervalMs: 200, what: 'demo traces on /traces' },
    );
    return (performance.now() - started) / 1000;
  } finally {
    run.child.kill('SIGTERM');
    await run.exited;
  }
}

/**
 * A newcomer's first start (no web build yet, no data) and a later start on the same data.
 * The first one deletes `web/.next` to build from scratch, as a fresh clone does.
 */
async function benchStartToDemoTraces(): Promise<StartResult> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'sightline-bench-start-'));
  try {
    rmSync(path.join(REPOSITORY_ROOT, 'web/.next'), { recursive: true, force: true });
    const firstStartSeconds = await secondsUntilDemoTracesShow(home);
    const laterStartSeconds = await secondsUntilDemoTracesShow(home);
    return { firstStartSeconds, laterStartSeconds };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

async function runPlatformSuite(): Promise<void> {
  out('Benchmark 1/3: ingest handler throughput …');
  const ingest = await runIngestBenchmarkOnOneCore();
  out(
    `  ${format(ingest.endToEndSpansPerSecond)} spans/s end to end; ${format(ingest.prepareSpansPerSecond)} spans/s decode+verify+validate`,
  );
  out('Benchmark 2/3: SDK emit → queryable latency on the local stack …');
  const latency = await benchEmitToQueryable();
  out(
    `  p50 ${format(latency.p50Ms)} ms, p95 ${format(latency.p95Ms)} ms over ${latency.spans} spans`,
  );

  out('Benchmark 3/3: sightline start → demo traces on /traces …');
  const start = await benchStartToDemoTraces();
  out(
    `  first start ${format(start.firstStartSeconds, 1)} s, later start ${format(start.laterStartSeconds, 1)} s`,
  );

  const report = `## Platform

${machineLine('npm run bench -- platform')} The machine is shared and noisy: treat differences
under ~20 % between runs as noise.

### Ingest handler throughput (one core)

The real ingest handler (\`functions/ingest/handler.ts\`) in one Node.js process, against the
embedded ClickHouse engine (chDB) in the same process, ${ingest.pinned ? "pinned to one core with `taskset -c 0` (so the engine's insert work shares that core)" : 'not pinned (taskset was unavailable)'}. Input: ${ingest.batches} Kinesis batches of
${ingest.spansPerBatch} spans (20 gzip records × 50 spans), realistic support-chat LLM spans of
~${format(ingest.spanBytes)} bytes of JSON each (≈2 KB) (system prompt, question, answer, usage, prompt
version, tags, metadata). Key lookups hit the warm cache, as they do in a warm function.

| measure | result |
| --- | --- |
| spans/s, full handler (decode → verify → validate → enrich and redact → one insert per table per invocation) | **${format(ingest.endToEndSpansPerSecond)}** |
| spans/s, CPU part only (decode, verify HMAC, validate, enrich and redact, map to rows) | ${format(ingest.prepareSpansPerSecond)} |
| per-invocation latency for ${ingest.spansPerBatch} spans, p50 / p95 | ${format(ingest.batchP50Ms, 1)} ms / ${format(ingest.batchP95Ms, 1)} ms |

The gap between the two rows is the insert: the client serialises the rows and the embedded
engine parses and writes them on the same pinned core. Deployed, that work happens on the
ClickHouse server, and the function's own share is the second row.

### SDK emit → queryable latency (local stack)

\`sightline start --no-demo --no-web\` as a real process (kinesalite, dynalite, event-source
runner with the production settings: batching window ${1_000} ms, batch size 500), the real SDK
in this process with \`flushIntervalMs: ${latency.sdkFlushIntervalMs}\`, one span every 25 ms; each
span's latency runs from the moment \`trace()\` returned until a ClickHouse query over the
stack's HTTP endpoint (polled every 20 ms) first returns it.

| measure | result |
| --- | --- |
| spans measured | ${latency.spans} |
| p50 | **${format(latency.p50Ms)} ms** |
| p95 | **${format(latency.p95Ms)} ms** |
| max | ${format(latency.maxMs)} ms |

Most of this latency is deliberate batching: the SDK's flush interval and the event source's
batching window (the same \`maxBatchingWindowMs\` the AWS event source mapping uses), plus the
runner's idle polling back-off (200–1,000 ms). Lowering them trades cost per span for latency.

### \`sightline start\` → demo traces on /traces

Wall time from running \`sightline start\` (demo producer and web app on) until the admin,
signing in, sees a demo trace on the project's traces page. The first start has no data directory and no web
build (\`web/.next\` deleted, as on a fresh clone after \`npm install\`), so it includes the
production \`next build\`; the later start reuses both.

| start | seconds |
| --- | --- |
| first start (builds the web app) | **${format(start.firstStartSeconds, 1)}** |
| later start (same data, build reused) | **${format(start.laterStartSeconds, 1)}** |
`;
  writeReportSection('platform', report);
  out('Wrote the platform section of docs/benchmarks.md');
}

/**
 * Runs a benchmark script in a child process pinned to CPU 0 (when taskset works), with the
 * V8 options the ingest function is deployed with, and returns its last line of output.
 * `bundled`: the script runs as the ingest function ships, an esbuild bundle made with the
 * Lambda functions' options (infra/constructs/lambdaBundling.ts), not through tsx.
 */
async function pinnedNode(
  script: string,
  options: { bundled?: boolean } = {},
): Promise<{ lastLine: string; pinned: boolean }> {
  let pinned = true;
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
  } catch {
    pinned = false;
  }
  const entry = options.bundled
    ? [await bundleForBench(script)]
    : ['--import', 'tsx', path.join(REPOSITORY_ROOT, script)];
  const node = [process.execPath, ...INGEST_V8_OPTIONS, ...entry];
  const [command, ...rest] = pinned ? ['taskset', '-c', '0', ...node] : node;
  const output = execFileSync(command!, rest, {
    cwd: REPOSITORY_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1_048_576,
  });
  return { lastLine: output.trim().split('\n').at(-1) ?? '', pinned };
}

async function runSdkSuite(): Promise<void> {
  out('SDK overhead beside OpenTelemetry and Langfuse …');
  const { benchSdkOverhead, sdkOverheadSection } = await import('./sdkOverhead.ts');
  const result = await benchSdkOverhead((line) => out(`  ${line}`));
  writeReportSection('sdk', sdkOverheadSection(result, 'npm run bench -- sdk'));
  out('Wrote the sdk section of docs/benchmarks.md');
}

async function runEnrichSuite(): Promise<void> {
  out('Enrichment chain on one core …');
  const { enrichmentSection } = await import('./enrichThroughput.ts');
  const result = JSON.parse(
    (await pinnedNode('test/bench/enrichThroughput.ts', { bundled: true })).lastLine,
  ) as Parameters<typeof enrichmentSection>[0];
  out(`  ${format(result.chainSpansPerSecond)} spans/s`);
  writeReportSection('enrich', enrichmentSection(result, 'npm run bench -- enrich'));
  out('Wrote the enrich section of docs/benchmarks.md');
}

const SUITES: Record<string, (args: string[]) => Promise<void>> = {
  platform: runPlatformSuite,
  sdk: runSdkSuite,
  enrich: runEnrichSuite,
  web: async (args) => {
    const { runWebQueriesSuite } = await import('./webQueries.ts');
    return runWebQueriesSuite(args);
  },
};

export async function runBenchmarks(args: string[]): Promise<void> {
  // `web` takes its own options after its name; the others take none.
  if (args[0] === 'web') return SUITES.web!(args.slice(1));
  const names = args.length > 0 ? args : Object.keys(SUITES);
  const unknown = names.filter((name) => !(name in SUITES));
  if (unknown.length > 0)
    throw new Error(
      `unknown benchmark suite ${unknown.join(', ')}; choose from ${Object.keys(SUITES).join(', ')}`,
    );
  for (const name of names) await SUITES[name]!([]);
}

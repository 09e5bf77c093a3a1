/**
 * One measurement in a fresh process (so no tracer's globals or heap leak into another's):
 *   overhead  — per-call time of untraced and traced calls, interleaved in rounds;
 *   heap      — heap and array-buffer growth while 10,000 traced calls stay buffered (run
 *               with --expose-gc);
 *   eventLoop — event-loop delay while making traced calls at a fixed rate into a real Kinesis.
 * Prints one JSON line.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { percentile } from '../percentile.ts';
import { baseline, createVariant, type Variant, type VariantName } from './variants.ts';

interface WorkerArgs {
  mode: 'overhead' | 'heap' | 'eventLoop';
  variant: VariantName;
  endpoint: string;
  streamName?: string;
  rounds?: number;
  callsPerRound?: number;
  ratePerSecond?: number;
  seconds?: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;

async function timeCalls(variant: Variant, count: number, into: number[]): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    await variant.call();
    into.push(performance.now() - started);
  }
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * Interleaved rounds of untraced and traced calls. Each traced round ends with the tracer's
 * flush inside its timing, so every bit of export work a traced call causes (serialising,
 * compressing, sending) is charged to traced rounds, never leaks into the untraced round
 * after it, and none is left unmeasured at the end.
 */
async function measureOverhead(): Promise<Record<string, number>> {
  const traced = createVariant(args.variant, { endpoint: args.endpoint });
  const rounds = args.rounds ?? 30;
  const perRound = args.callsPerRound ?? 1_000;
  await timeCalls(baseline, 3_000, []);
  await timeCalls(traced, 3_000, []);
  await traced.flush();
  const base: number[] = [];
  const withTracing: number[] = [];
  let baseWall = 0;
  let tracedWall = 0;
  const untracedRound = async () => {
    const started = performance.now();
    await timeCalls(baseline, perRound, base);
    baseWall += performance.now() - started;
  };
  const tracedRound = async () => {
    const started = performance.now();
    await timeCalls(traced, perRound, withTracing);
    await traced.flush();
    tracedWall += performance.now() - started;
  };
  for (let round = 0; round < rounds; round += 1) {
    if (round % 2 === 0) {
      await untracedRound();
      await tracedRound();
    } else {
      await tracedRound();
      await untracedRound();
    }
  }
  await traced.shutdown();
  base.sort((a, b) => a - b);
  withTracing.sort((a, b) => a - b);
  const us = 1_000;
  const calls = withTracing.length;
  return {
    calls,
    baseMeanUs: (baseWall / calls) * us,
    tracedMeanUs: (tracedWall / calls) * us,
    addedMeanUs: ((tracedWall - baseWall) / calls) * us,
    callerAddedMeanUs: (mean(withTracing) - mean(base)) * us,
    baseP99Us: percentile(base, 99) * us,
    tracedP99Us: percentile(withTracing, 99) * us,
    addedP99Us: (percentile(withTracing, 99) - percentile(base, 99)) * us,
  };
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the heap measurement with --expose-gc');
  for (let index = 0; index < 3; index += 1) gc();
}

async function measureHeap(): Promise<Record<string, number>> {
  const traced = createVariant(args.variant, { endpoint: args.endpoint, holdEverything: true });
  await timeCalls(traced, 200, []);
  collectGarbage();
  // The JavaScript heap and array buffers: Sightline keeps buffered spans as binary frames in
  // (shared) array buffers, outside `heapUsed`, and they must be counted.
  const retained = () => {
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  const before = retained();
  const spans = 10_000;
  await timeCalls(traced, spans, []);
  collectGarbage();
  const after = retained();
  await traced.shutdown();
  return { spans, heapGrowthBytes: after - before, bytesPerSpan: (after - before) / spans };
}

async function runAtRate(variant: Variant, ratePerSecond: number, seconds: number) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const perTick = Math.round(ratePerSecond / 100);
  const ticks = seconds * 100;
  const inFlight: Promise<unknown>[] = [];
  histogram.enable();
  const started = performance.now();
  for (let tick = 0; tick < ticks; tick += 1) {
    for (let index = 0; index < perTick; index += 1) inFlight.push(variant.call());
    const due = started + (tick + 1) * 10;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1_000;
  histogram.disable();
  return {
    calls: inFlight.length,
    achievedRate: inFlight.length / elapsed,
    p50Ms: histogram.percentile(50) / 1e6,
    p99Ms: histogram.percentile(99) / 1e6,
    maxMs: histogram.max / 1e6,
  };
}

async function measureEventLoop(): Promise<Record<string, number>> {
  const rate = args.ratePerSecond ?? 5_000;
  const seconds = args.seconds ?? 10;
  const traced = createVariant(args.variant, {
    endpoint: args.endpoint,
    ...(args.streamName ? { streamName: args.streamName } : {}),
  });
  // Warm both paths first, as a long-running service is: the AWS SDK loads parts of itself
  // lazily on its first request, which would otherwise land inside the measurement.
  await runAtRate(baseline, rate, 2);
  await runAtRate(traced, rate, 2);
  await traced.flush();
  const warmStats = traced.stats?.() ?? { sent: 0, dropped: 0, queued: 0 };
  const untracedRun = await runAtRate(baseline, rate, seconds);
  const tracedRun = await runAtRate(traced, rate, seconds);
  await traced.flush();
  const stats = traced.stats?.() ?? { sent: Number.NaN, dropped: Number.NaN, queued: Number.NaN };
  await traced.shutdown();
  return {
    rate,
    seconds,
    untracedP99Ms: untracedRun.p99Ms,
    tracedP99Ms: tracedRun.p99Ms,
    addedP99Ms: tracedRun.p99Ms - untracedRun.p99Ms,
    untracedMaxMs: untracedRun.maxMs,
    tracedMaxMs: tracedRun.maxMs,
    achievedRate: tracedRun.achievedRate,
    calls: tracedRun.calls,
    sent: stats.sent - warmStats.sent,
    dropped: stats.dropped - warmStats.dropped,
  };
}

const measure =
  args.mode === 'heap'
    ? measureHeap
    : args.mode === 'eventLoop'
      ? measureEventLoop
      : measureOverhead;
measure().then(
  (result) => {
    process.stdout.write(
      `${JSON.stringify({ variant: args.variant, mode: args.mode, ...result })}\n`,
    );
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`${String((error as Error)?.stack ?? error)}\n`);
    process.exit(1);
  },
);

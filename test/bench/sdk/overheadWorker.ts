/**
 * One measurement in a fresh process (so no tracer's globals or heap leak into another's):
 *   overhead  — per-call time of untraced and traced calls, interleaved in rounds;
 *   heap      — heap and array-buffer growth while 10,000 traced calls stay buffered (run
 *               with --expose-gc);
 *   eventLoop — event-loop delay while making traced calls at a fixed rate into a real Kinesis;
 *   costs     — where Sightline's added time goes, step by step, and what each step and its
 *               alternatives cost per span alone.
 * Prints one JSON line.
 */
import { createHmac } from 'node:crypto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { serialize } from 'node:v8';
import { gzipSync } from 'node:zlib';
import { median, percentile } from '../percentile.ts';
import type { QueuedItem, Transport } from './sdkEntry.ts';
import {
  baseline,
  createVariant,
  loadFrameWriter,
  type Variant,
  type VariantName,
} from './variants.ts';

interface WorkerArgs {
  mode: 'overhead' | 'heap' | 'eventLoop' | 'costs';
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
    rounds,
    callsPerRound: perRound,
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

/**
 * A transport that does one step of the export work on each item, batched to the next turn of
 * the event loop as the real transport's drain is, and stops there.
 */
function stepTransport(step: (item: QueuedItem) => void): Transport {
  let queue: QueuedItem[] = [];
  let scheduled = false;
  const drain = () => {
    scheduled = false;
    const items = queue;
    queue = [];
    for (const item of items) step(item);
  };
  return {
    enqueue: (item) => {
      queue.push(item);
      if (scheduled) return;
      scheduled = true;
      setImmediate(drain);
    },
    flush: async () => drain(),
    shutdown: async () => drain(),
    stats: () => ({ queued: 0, queuedBytes: 0, sent: 0, dropped: 0, retried: 0, truncated: 0 }),
  };
}

/** Microseconds per call of `work`, over about 300 ms after a warm-up. */
function microsPer(work: () => void, callsPerWork = 1): number {
  for (let index = 0; index < 200; index += 1) work();
  let calls = 0;
  const started = performance.now();
  while (performance.now() - started < 300) {
    for (let index = 0; index < 20; index += 1) work();
    calls += 20;
  }
  return ((performance.now() - started) * 1_000) / (calls * callsPerWork);
}

/**
 * Where Sightline's added time goes. The same call site, in interleaved rounds as `overhead`
 * measures them (wall time, each round with its flush), over transports that stop after each
 * step: the span alone (context, ids, timing; what the call site's deferred attributes would
 * build is never built), the span built, the span built and written as a frame on the
 * caller's thread, and the real transport. Then, per span, what each step and its
 * alternatives cost alone, and one flush of a single span after 15 ms idle (what every round
 * pays at least once).
 */
async function measureCosts(): Promise<Record<string, number>> {
  const ItemFrameWriter = await loadFrameWriter();
  const writer = new ItemFrameWriter();
  const spans: object[] = [];
  const build = (item: QueuedItem): object => {
    const span = typeof item === 'function' ? item() : item;
    if (spans.length < 128) spans.push(span);
    return span;
  };
  const steps: Record<string, Variant> = {
    span: createVariant('sightline', {
      endpoint: args.endpoint,
      transport: stepTransport(() => {}),
    }),
    built: createVariant('sightline', { endpoint: args.endpoint, transport: stepTransport(build) }),
    framed: createVariant('sightline', {
      endpoint: args.endpoint,
      transport: stepTransport((item) => {
        if (writer.writeSpan(build(item)) < 0)
          throw new Error('the bench span left the one-pass path');
        if (writer.count >= 200) writer.release(writer.takeBatch());
      }),
    }),
    full: createVariant('sightline', { endpoint: args.endpoint }),
  };
  const names = Object.keys(steps);
  const rounds = args.rounds ?? 20;
  const perRound = args.callsPerRound ?? 1_000;
  for (const variant of [baseline, ...Object.values(steps)]) {
    await timeCalls(variant, 3_000, []);
    await variant.flush();
  }
  const wall: Record<string, number> = { untraced: 0 };
  for (let round = 0; round < rounds; round += 1) {
    const order = ['untraced', ...names];
    for (let turn = 0; turn < order.length; turn += 1) {
      const name = order[(turn + round) % order.length]!;
      const variant = name === 'untraced' ? baseline : steps[name]!;
      const started = performance.now();
      await timeCalls(variant, perRound, []);
      await variant.flush();
      wall[name] = (wall[name] ?? 0) + performance.now() - started;
    }
  }
  const calls = rounds * perRound;
  const added = (name: string) => ((wall[name]! - wall.untraced!) / calls) * 1_000;

  const jsons = spans.map((span) => JSON.stringify(span));
  const recordJson = Buffer.from(`[${jsons.join(',')}]`);
  const recordGzip = gzipSync(recordJson, { level: 1 });
  const hmac = (bytes: Buffer) => createHmac('sha256', 'k'.repeat(43)).update(bytes).digest('hex');
  let sink = 0;
  const perSpan = (work: (span: object) => void) =>
    microsPer(() => {
      for (const span of spans) work(span);
    }, spans.length);
  const result = {
    rounds,
    callsPerRound: perRound,
    spanUs: added('span'),
    builtUs: added('built'),
    framedUs: added('framed'),
    fullUs: added('full'),
    spanJsonBytes: recordJson.length / spans.length,
    frameWriterUs: perSpan((span) => {
      sink += writer.writeSpan(span);
      if (writer.count >= 128) writer.release(writer.takeBatch());
    }),
    jsonStringifyUs: perSpan((span) => (sink += JSON.stringify(span).length)),
    v8SerializeUs: perSpan((span) => (sink += serialize(span).length)),
    structuredCloneUs: perSpan((span) => (sink += structuredClone(span) === span ? 1 : 0)),
    gzipUs: microsPer(() => (sink += gzipSync(recordJson, { level: 1 }).length), spans.length),
    hmacJsonUs: microsPer(() => (sink += hmac(recordJson).length), spans.length),
    hmacGzipUs: microsPer(() => (sink += hmac(recordGzip).length), spans.length),
    idleFlushMs: 0,
  };
  const full = steps.full!;
  const flushes: number[] = [];
  for (let index = 0; index < 21; index += 1) {
    await full.call();
    await new Promise((resolve) => setTimeout(resolve, 15));
    const started = performance.now();
    await full.flush();
    flushes.push(performance.now() - started);
  }
  result.idleFlushMs = median(flushes);
  for (const variant of Object.values(steps)) await variant.shutdown();
  if (sink === 0) throw new Error('nothing was measured');
  return result;
}

const measure =
  args.mode === 'heap'
    ? measureHeap
    : args.mode === 'eventLoop'
      ? measureEventLoop
      : args.mode === 'costs'
        ? measureCosts
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

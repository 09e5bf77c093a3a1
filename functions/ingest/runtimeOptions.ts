/**
 * The V8 options the ingest function runs with: its Lambda's NODE_OPTIONS, and the benchmarks
 * that measure the chain run with the same ones, so they measure the heap the function has.
 *
 * A 64 MiB semi-space. Ingest enriches spans in groups, stage by stage, so a group's spans
 * stay live until their rows are made; a young generation smaller than that working set copies
 * it again at each scavenge and promotes it. Measured on the enrich benchmark's chain (one core,
 * 8 alternating runs of 6,000 spans): 142 µs CPU per span at best with 64 MiB against 167 µs
 * with Node's default of 16 MiB (medians 164 and 201); 128 MiB gave nothing more.
 *
 * Lambda's Node.js runtimes have sized the semi-space from the function's memory on their own
 * command line (memory / 10 / 2 MiB: 51 at 1,024 MB, which V8 rounds up as it does 64), and a
 * command-line option wins over NODE_OPTIONS. So in AWS this option mostly states what the
 * function already has; it matters where the runtime does not set one, and it keeps the
 * benchmarks from measuring a smaller young generation than the function gets.
 */
export const INGEST_V8_OPTIONS: readonly string[] = ['--max-semi-space-size=64'];

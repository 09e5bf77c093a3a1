/**
 * The V8 options the ingest function runs with: its Lambda's NODE_OPTIONS, and the benchmarks
 * that measure the chain run with the same ones.
 *
 * A 64 MiB semi-space (V8's default is 16 MiB): ingest enriches a whole batch stage by stage,
 * so every span of the batch stays live until its rows are made, and a young generation
 * smaller than a batch's working set copies it again at each scavenge and promotes it to the
 * old generation. Measured on the enrich benchmark's chain (one core, 8 alternating runs of
 * 6,000 spans): 142 µs CPU per span at best with 64 MiB against 167 µs with 16 MiB (medians
 * 164 and 201); 128 MiB gave nothing more. The young generation then takes up to ~200 MiB of
 * the function's 1,024 MiB.
 */
export const INGEST_V8_OPTIONS: readonly string[] = ['--max-semi-space-size=64'];

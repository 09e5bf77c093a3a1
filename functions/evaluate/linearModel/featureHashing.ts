/**
 * Feature hashing for the linear text classifiers: FNV-1a over UTF-16 code units, folded
 * into a fixed number of buckets, so features need no vocabulary and the model is one array.
 * Built for the ingest hot path: no per-feature allocation, and de-duplication by a reusable
 * stamp array instead of a Set.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Continues an FNV-1a hash over `text`. */
export function extendHash(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** Continues an FNV-1a hash over `text.slice(start, end)`, without making the slice. */
export function extendHashRange(hash: number, text: string, start: number, end: number): number {
  let h = hash;
  for (let i = start; i < end; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** Continues a hash with one UTF-16 code unit. */
export function extendHashCode(hash: number, code: number): number {
  return Math.imul(hash ^ code, FNV_PRIME) >>> 0;
}

/** The seed for a feature namespace (hash it once, at module load). */
export function namespaceSeed(namespace: string): number {
  return extendHash(FNV_OFFSET, namespace);
}

/** Joins two hashes into the hash of a pair (e.g. a bigram's two words). */
export function combineHashes(first: number, second: number): number {
  return Math.imul((first ^ 0x9e3779b9) + Math.imul(second, 0x85ebca6b), FNV_PRIME) >>> 0;
}

/**
 * One byte per bucket (a 2^16-bucket model's table is 64 KB, not 256 KB, so it stays in cache
 * beside the weights); the table is cleared once every 255 generations. The indices found go
 * into one shared buffer per size, so scoring a text allocates nothing per feature.
 */
const scratchByBits = new Map<
  number,
  { stamps: Uint8Array; generation: number; buffer: Int32Array }
>();
const MAX_GENERATION = 0xff;

/**
 * Collects hashed feature indices (value 1 each, each bucket at most once). The collected
 * indices are valid until the next HashedFeatures of the same size is made: `buffer` and
 * `count` read them in place, `indices` copies them out.
 */
export class HashedFeatures {
  private readonly mask: number;
  private readonly stamps: Uint8Array;
  private readonly generation: number;
  private readonly scratch: { buffer: Int32Array };
  /** The shared buffer whose first `count` entries are the indices found so far. */
  buffer: Int32Array;
  count = 0;

  constructor(bits: number) {
    this.mask = (1 << bits) - 1;
    let scratch = scratchByBits.get(bits);
    if (scratch === undefined) {
      scratch = { stamps: new Uint8Array(1 << bits), generation: 0, buffer: new Int32Array(1024) };
      scratchByBits.set(bits, scratch);
    }
    scratch.generation += 1;
    if (scratch.generation > MAX_GENERATION) {
      scratch.stamps.fill(0);
      scratch.generation = 1;
    }
    this.stamps = scratch.stamps;
    this.generation = scratch.generation;
    this.scratch = scratch;
    this.buffer = scratch.buffer;
  }

  /** A copy of the indices found, in the order they were first added. */
  get indices(): number[] {
    return Array.from(this.buffer.subarray(0, this.count));
  }

  /** Adds a feature by its hash. */
  addHash(hash: number): void {
    const index = hash & this.mask;
    if (this.stamps[index] !== this.generation) {
      this.stamps[index] = this.generation;
      if (this.count === this.buffer.length) this.grow();
      this.buffer[this.count] = index;
      this.count += 1;
    }
  }

  private grow(): void {
    const larger = new Int32Array(this.buffer.length * 2);
    larger.set(this.buffer);
    this.buffer = larger;
    this.scratch.buffer = larger;
  }

  /** Adds the feature `value` in namespace `seed`. */
  add(seed: number, value: string): void {
    this.addHash(extendHash(seed, value));
  }

  /** Adds the feature (`first`, `second`) in namespace `seed`. */
  addPair(seed: number, first: string, second: string): void {
    this.addHash(extendHash(extendHashCode(extendHash(seed, first), 0x1f), second));
  }
}

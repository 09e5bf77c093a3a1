/**
 * Resolves a record's project and ingest key, cached per warm function instance so a batch
 * of 500 records from one producer costs one DynamoDB read, not 500. Misses are cached
 * briefly too, so a misconfigured producer cannot hammer the table.
 */
import type { IngestKeyItem, ProjectItem } from '../control/controlPlaneTables.ts';

export interface ProjectKeyLookup {
  getProject(projectId: string): Promise<ProjectItem | undefined>;
  getIngestKey(projectId: string, keyId: string): Promise<IngestKeyItem | undefined>;
}

export interface ResolvedKey {
  project: ProjectItem | undefined;
  key: IngestKeyItem | undefined;
}

const MISS_TTL_MS = 5_000;
/** Bounds memory in a warm function when records name many (possibly forged) projects. */
const DEFAULT_MAX_ENTRIES = 10_000;

export class IngestKeyCache {
  readonly #lookup: ProjectKeyLookup;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, { value: Promise<ResolvedKey>; expiresAt: number }>();

  constructor(
    lookup: ProjectKeyLookup,
    options: { ttlSeconds: number; now?: () => number; maxEntries?: number },
  ) {
    this.#lookup = lookup;
    this.#ttlMs = options.ttlSeconds * 1000;
    this.#now = options.now ?? Date.now;
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  get size(): number {
    return this.#entries.size;
  }

  resolve(projectId: string, keyId: string): Promise<ResolvedKey> {
    const cacheKey = `${projectId}\u0000${keyId}`;
    const now = this.#now();
    const cached = this.#entries.get(cacheKey);
    if (cached && cached.expiresAt > now) return cached.value;

    const value = this.#load(projectId, keyId);
    this.#entries.delete(cacheKey);
    this.#entries.set(cacheKey, { value, expiresAt: now + this.#ttlMs });
    // Maps iterate in insertion order: the first key is the least recently loaded.
    if (this.#entries.size > this.#maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
    value.then(
      (resolved) => {
        if (!resolved.project || !resolved.key) {
          this.#entries.set(cacheKey, {
            value,
            expiresAt: this.#now() + Math.min(MISS_TTL_MS, this.#ttlMs),
          });
        }
      },
      // A failed lookup (DynamoDB unavailable) must not be cached: the batch is retried.
      () => this.#entries.delete(cacheKey),
    );
    return value;
  }

  async #load(projectId: string, keyId: string): Promise<ResolvedKey> {
    const project = await this.#lookup.getProject(projectId);
    const key = project ? await this.#lookup.getIngestKey(projectId, keyId) : undefined;
    return { project, key };
  }
}

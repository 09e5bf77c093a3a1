/**
 * Types of the embedded ClickHouse HTTP endpoint: what `startClickHouseHttpServer` takes and
 * returns.
 */

/**
 * The process's embedded chDB engine, as `openEmbeddedClickHouse` returns it (its
 * `ChdbConnection`). The server opens its own connections on the same data directory: chDB
 * runs every connection to that directory on the one in-process engine.
 */
export interface EmbeddedEngine {
  readonly chdb: { readonly session: { readonly path: string } };
}

export interface ClickHouseHttpAuth {
  username: string;
  password: string;
}

export interface ClickHouseHttpServerOptions {
  engine: EmbeddedEngine;
  /** Defaults to loopback, 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** When set, every query must present these credentials; `/ping` stays open. */
  auth?: ClickHouseHttpAuth;
  /** Largest request body, before and after decompression; default 256 MiB. */
  maxRequestBodyBytes?: number;
  /** Queries run on the engine at once (default 8); further requests wait for a slot. */
  maxConcurrentQueries?: number;
  /** Requests waiting for a slot before new ones are refused (default 1000). */
  maxQueuedQueries?: number;
  /** Receives faults of the server itself (never query text, parameters or credentials). */
  logger?: Pick<Console, 'warn'>;
}

export interface ClickHouseHttpServer {
  /** Base URL for `CLICKHOUSE_URL`, e.g. `http://127.0.0.1:8123`. */
  url: string;
  host: string;
  port: number;
  /** Stops accepting requests, lets in-flight ones finish (briefly), then releases the port. */
  close(): Promise<void>;
}

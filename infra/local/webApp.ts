/**
 * The web app in the local stack: a production `next build`, redone only when the sources it
 * depends on changed, then `next start` on loopback as a child process.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { nodeChildArgs, runToCompletion, startChild, type ManagedChild } from './childProcesses.ts';
import { acquireInstanceLock, InstanceLockedError, type InstanceLock } from './instanceLock.ts';

const require = createRequire(import.meta.url);
const NEXT_BIN = require.resolve('next/dist/bin/next');

const SKIPPED_DIRECTORIES = new Set([
  'node_modules',
  '.next',
  '.next-lambda',
  '.sightline',
  '.sightline-cache',
  'cdk.out',
]);

/**
 * Files a build writes itself, not sources: `next build` rewrites next-env.d.ts to point at its
 * own output (`.next` here, `.next-lambda` for the Lambda package), and the build lock comes
 * and goes. Hashing them would make each kind of build invalidate the other.
 */
const SKIPPED_FILES = new Set(['next-env.d.ts', '.sightline-build.lock']);

function hashTree(hash: ReturnType<typeof createHash>, root: string, directory: string): void {
  if (!existsSync(directory)) return;
  for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (SKIPPED_DIRECTORIES.has(entry.name) || SKIPPED_FILES.has(entry.name)) continue;
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) hashTree(hash, root, full);
    else if (entry.isFile() && !entry.name.endsWith('.test.ts')) {
      hash.update(path.relative(root, full)).update('\0').update(readFileSync(full)).update('\0');
    }
  }
}

/** A digest of everything the web build reads: a change to any of it means a rebuild. */
export function webSourceDigest(root: string): string {
  const hash = createHash('sha256');
  for (const directory of ['web', 'functions', 'sdk/src'])
    hashTree(hash, root, path.join(root, directory));
  for (const file of ['package-lock.json', 'tsconfig.json']) {
    const full = path.join(root, file);
    if (existsSync(full)) hash.update(file).update(readFileSync(full));
  }
  return hash.digest('hex');
}

const buildStampPath = (root: string) => path.join(root, 'web', '.next', 'sightline-build.json');

export function isWebBuildCurrent(root: string, digest = webSourceDigest(root)): boolean {
  const stamp = buildStampPath(root);
  if (!existsSync(stamp) || !statSync(stamp).isFile()) return false;
  try {
    return JSON.parse(readFileSync(stamp, 'utf8')).digest === digest;
  } catch {
    return false;
  }
}

const nextEnv = (extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  ...extra,
});

/** Builds the web app unless the last build is of the same sources. Returns whether it built. */
/**
 * Stacks started side by side (parallel test files on a fresh clone) share `web/.next`: one
 * builds while the others wait on this lock, then find the build current.
 */
export async function withBuildLock<T>(
  root: string,
  signal: AbortSignal | undefined,
  work: () => Promise<T>,
) {
  let lock: InstanceLock | undefined;
  while (!lock) {
    signal?.throwIfAborted();
    try {
      lock = acquireInstanceLock(path.join(root, 'web'), BUILD_LOCK_FILE);
    } catch (error) {
      if (!(error instanceof InstanceLockedError)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await work();
  } finally {
    lock.release();
  }
}

const BUILD_LOCK_FILE = '.sightline-build.lock';

export async function ensureWebBuild(
  root: string,
  logDirectory: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const digest = webSourceDigest(root);
  if (isWebBuildCurrent(root, digest)) return false;
  return withBuildLock(root, signal, async () => {
    if (isWebBuildCurrent(root, digest)) return false;
    await build(root, digest, logDirectory, signal);
    return true;
  });
}

async function build(
  root: string,
  digest: string,
  logDirectory: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  await runNextBuild({ root, name: 'web-build', logDirectory, ...(signal ? { signal } : {}) });
  writeFileSync(
    buildStampPath(root),
    JSON.stringify({ digest, builtAt: new Date().toISOString() }),
  );
}

/** A production `next build` of web/, logged to `<logDirectory>/<name>.log`. */
export function runNextBuild(options: {
  root: string;
  name: string;
  logDirectory: string;
  signal?: AbortSignal;
  /** Variables on top of this process's (web/next.config.ts reads SIGHTLINE_WEB_BUILD). */
  env?: Record<string, string>;
}): Promise<void> {
  return runToCompletion({
    name: options.name,
    command: process.execPath,
    args: nodeChildArgs([NEXT_BIN, 'build', 'web']),
    cwd: options.root,
    env: nextEnv({ ...options.env, NODE_ENV: 'production' }),
    logDirectory: options.logDirectory,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

export function startWebServer(options: {
  root: string;
  port: number;
  env: Record<string, string | undefined>;
  logDirectory: string;
}): ManagedChild {
  return startChild({
    name: 'web',
    command: process.execPath,
    args: nodeChildArgs([NEXT_BIN, 'start', 'web', '-p', String(options.port), '-H', '127.0.0.1']),
    cwd: options.root,
    // Loopback only: answers are not compressed (web/next.config.ts).
    env: nextEnv({ ...options.env, NODE_ENV: 'production', SIGHTLINE_WEB_COMPRESS: 'off' }),
    logDirectory: options.logDirectory,
  });
}

/** Waits until the web server answers, or fails if it exits or takes too long. */
export async function waitForWeb(
  url: string,
  child: ManagedChild,
  signal?: AbortSignal,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    if (exited) throw new Error(`The web server exited during start-up; see ${child.logFile}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (response.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `The web server did not answer at ${url} within ${timeoutMs / 1000} s; see ${child.logFile}`,
  );
}

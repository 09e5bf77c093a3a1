/**
 * Runs `sightline start` as a real child process for end-to-end tests, on free ports and a
 * temporary data directory, and stops it (and everything it started) afterwards.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { init, type Sightline, type SightlineConfig } from '@sightline/sdk';
import { readStackFile, type StackInfo } from '../../infra/local/stackFile.ts';

export const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(REPOSITORY_ROOT, 'bin/sightline.js');

export interface StackProcess {
  process: ChildProcess;
  output: () => string;
  info: StackInfo;
  /** Pids of every descendant process, read while the stack runs. */
  descendants(): number[];
  stop(): Promise<number | null>;
}

export function runCli(args: string[], options: { env?: Record<string, string | undefined> } = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, exited, output: () => output };
}

export function descendantsOf(pid: number): number[] {
  try {
    const children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
    return children.flatMap((child) => [child, ...descendantsOf(child)]);
  } catch {
    return [];
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startStackProcess(
  home: string,
  extraArgs: string[] = [],
  options: {
    timeoutMs?: number;
    /** Variables for the stack (and the services it starts) on top of this process's. */
    env?: Record<string, string>;
  } = {},
): Promise<StackProcess> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  const { child, exited, output } = runCli(
    ['start', '--random-ports', '--home', home, ...extraArgs],
    options.env ? { env: options.env } : {},
  );
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  for (;;) {
    const info = existsSync(path.join(home, 'stack.json')) ? readStackFile(home) : undefined;
    if (info && info.pid === child.pid && output().includes('Sightline is running')) {
      return {
        process: child,
        output,
        info,
        descendants: () => descendantsOf(child.pid!),
        async stop() {
          if (child.exitCode !== null) return child.exitCode;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
          const code = await exited;
          clearTimeout(timer);
          return code;
        },
      };
    }
    if (exitCode !== undefined)
      throw new Error(`sightline start exited with ${exitCode}:\n${output()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sightline start was not ready within ${timeoutMs / 1000} s:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 60_000, intervalMs = 250, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** An SDK client pointed at a running stack's demo project, as an app would configure it. */
export function sdkForStack(info: StackInfo, options: Partial<SightlineConfig> = {}): Sightline {
  return init({
    projectId: info.demoProject.projectId,
    ingestKeyId: info.demoProject.ingestKeyId,
    ingestKey: info.demoProject.ingestKey,
    streamName: info.kinesis.streamName,
    endpoint: info.kinesis.endpoint,
    region: info.region,
    flushOnExit: false,
    ...options,
  });
}

/** A ClickHouse client on a running stack's HTTP endpoint. */
export function clickhouseForStack(info: StackInfo): ClickHouseClient {
  return createClient({
    url: info.clickhouse.url,
    username: info.clickhouse.username,
    password: info.clickhouse.password,
  });
}

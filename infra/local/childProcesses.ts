/**
 * Child processes of the local stack (the web server, the demo producer): started with
 * their output in a log file, and stopped with SIGTERM, then SIGKILL if they linger.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';

const EXIT_WITH_PARENT = new URL('./exitWithParent.mjs', import.meta.url).href;

/**
 * Node.js arguments for a child that must not outlive the launcher (started with
 * `startChild`, which tells it the launcher's pid).
 */
export function nodeChildArgs(args: readonly string[]): string[] {
  return ['--import', EXIT_WITH_PARENT, ...args];
}

export interface ManagedChild {
  name: string;
  process: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function startChild(options: {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logDirectory: string;
}): ManagedChild {
  mkdirSync(options.logDirectory, { recursive: true });
  const logFile = path.join(options.logDirectory, `${options.name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { ...options.env, SIGHTLINE_LAUNCHER_PID: String(process.pid) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  return {
    name: options.name,
    process: child,
    logFile,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timeout = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timeout);
      }
      log.end();
    },
  };
}

/**
 * Runs a command to completion, output to a log file; rejects with the log's tail on failure.
 * Aborting the signal stops the command.
 */
export async function runToCompletion(
  options: Parameters<typeof startChild>[0] & { signal?: AbortSignal },
): Promise<void> {
  options.signal?.throwIfAborted();
  const child = startChild(options);
  const onAbort = () => void child.stop();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const code = await child.exited;
  options.signal?.removeEventListener('abort', onAbort);
  await child.stop();
  options.signal?.throwIfAborted();
  if (code !== 0) {
    const { readFileSync } = await import('node:fs');
    const tail = readFileSync(child.logFile, 'utf8').split('\n').slice(-30).join('\n');
    throw new Error(
      `${options.name} failed (exit ${code}); last lines of ${child.logFile}:\n${tail}`,
    );
  }
}

/**
 * Child processes of the local stack: completion, failure with the log's tail, and abort.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { nodeChildArgs, runToCompletion } from './childProcesses.ts';
import { isAlive } from '../../test/helpers/localStackProcess.ts';

const logDirectory = mkdtempSync(path.join(tmpdir(), 'sightline-children-'));
afterAll(() => rmSync(logDirectory, { recursive: true, force: true }));

const node = (script: string) => ({
  command: process.execPath,
  args: ['-e', script],
  cwd: logDirectory,
  env: process.env,
  logDirectory,
});

describe('runToCompletion', () => {
  it('resolves when the command succeeds', async () => {
    await expect(
      runToCompletion({ name: 'ok', ...node('process.exit(0)') }),
    ).resolves.toBeUndefined();
  });

  it('rejects with the exit code and the last lines of the log', async () => {
    await expect(
      runToCompletion({ name: 'fails', ...node('console.error("the reason"); process.exit(3)') }),
    ).rejects.toThrow(/fails failed \(exit 3\)[\s\S]*the reason/);
  });

  it('stops the command when the signal aborts, and says why', async () => {
    const controller = new AbortController();
    const run = runToCompletion({
      name: 'aborted',
      ...node('console.log(process.pid); setTimeout(() => {}, 60_000)'),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('cancelled by test')), 200);
    await expect(run).rejects.toThrow('cancelled by test');
    const pid = Number(readFileSync(path.join(logDirectory, 'aborted.log'), 'utf8').trim());
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe('nodeChildArgs', () => {
  it('makes a child exit when its parent is killed without stopping it', async () => {
    // Prepare: a parent that starts a long-lived child with the watchdog, then hangs.
    const parentScript = `
      const { spawn } = require('node:child_process');
      const child = spawn(process.execPath, ${JSON.stringify(nodeChildArgs(['-e', 'setInterval(() => {}, 1000)']))}, { stdio: 'ignore', env: { ...process.env, SIGHTLINE_LAUNCHER_PID: String(process.pid) } });
      console.log(child.pid);
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['-e', parentScript], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const childPid = await new Promise<number>((resolve) =>
      parent.stdout.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim()))),
    );
    expect(isAlive(childPid)).toBe(true);
    // Act
    parent.kill('SIGKILL');
    // Assess
    const deadline = Date.now() + 10_000;
    while (isAlive(childPid) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isAlive(childPid)).toBe(false);
  });
});

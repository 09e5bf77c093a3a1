/**
 * Child processes of the local stack: completion, failure with the log's tail, and abort.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runToCompletion } from './childProcesses.ts';

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

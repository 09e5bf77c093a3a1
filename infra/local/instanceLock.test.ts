/**
 * One local stack per data directory.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { acquireInstanceLock, InstanceLockedError, liveLockOwner } from './instanceLock.ts';

let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(tmpdir(), 'sightline-lock-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const lockFile = () => path.join(home, 'sightline.lock');

it('takes a free directory and releases it', () => {
  const lock = acquireInstanceLock(home);
  expect(liveLockOwner(home)).toBe(process.pid);
  lock.release();
  expect(existsSync(lockFile())).toBe(false);
  expect(liveLockOwner(home)).toBeUndefined();
});

it('refuses a directory a running process holds, naming it', async () => {
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)']);
  try {
    writeFileSync(lockFile(), String(other.pid));
    expect(liveLockOwner(home)).toBe(other.pid);
    expect(() => acquireInstanceLock(home)).toThrow(InstanceLockedError);
    expect(() => acquireInstanceLock(home)).toThrow(
      `Another Sightline instance (pid ${other.pid}) owns`,
    );
  } finally {
    other.kill();
  }
});

it('takes over a lock left by a process that no longer runs', () => {
  const { pid } = spawnSync(process.execPath, ['-e', '0']);
  writeFileSync(lockFile(), String(pid));
  expect(liveLockOwner(home)).toBeUndefined();
  const lock = acquireInstanceLock(home);
  expect(liveLockOwner(home)).toBe(process.pid);
  lock.release();
});

it('keeps locks of different names in one directory apart (the web build lock)', async () => {
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)']);
  try {
    writeFileSync(path.join(home, '.sightline-build.lock'), String(other.pid));

    const instance = acquireInstanceLock(home);

    expect(() => acquireInstanceLock(home, '.sightline-build.lock')).toThrow(InstanceLockedError);
    instance.release();
  } finally {
    other.kill();
  }
});

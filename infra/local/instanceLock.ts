/**
 * One local stack per data directory: a lock file holding the owner's pid. A lock left by a
 * process that no longer runs is taken over; a live owner makes the second start refuse.
 */
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';

export class InstanceLockedError extends Error {
  readonly code = 'INSTANCE_LOCKED';
  constructor(home: string, pid: number) {
    super(
      `Another Sightline instance (pid ${pid}) owns ${home}. Stop it first (Ctrl-C in its terminal, or \`kill ${pid}\`), or start this one with --home <other directory>.`,
    );
    this.name = 'InstanceLockedError';
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of a running process that holds the lock on `home`, if any. */
export function liveLockOwner(home: string): number | undefined {
  try {
    const owner = Number(readFileSync(path.join(home, 'sightline.lock'), 'utf8').trim());
    return Number.isInteger(owner) && owner > 0 && isRunning(owner) ? owner : undefined;
  } catch {
    return undefined;
  }
}

export interface InstanceLock {
  release(): void;
}

export function acquireInstanceLock(home: string, fileName = 'sightline.lock'): InstanceLock {
  const lockPath = path.join(home, fileName);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return {
        release: () => {
          try {
            if (readFileSync(lockPath, 'utf8').trim() === String(process.pid)) rmSync(lockPath);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
        throw new InstanceLockedError(home, owner);
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${lockPath}`);
}

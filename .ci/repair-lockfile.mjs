#!/usr/bin/env node
// The registry this project installs from lacks some platform-specific optional packages
// (chdb's macOS and linux-arm64 engines). `npm install` then leaves them out of
// package-lock.json, and `npm ci` refuses a lock that misses an optional dependency. This adds
// an entry for each missing one, restricted to its os/cpu so npm never fetches it here.
// Run after `npm install` changes the lock: `node .ci/repair-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PLATFORM = /-(darwin|linux|win32)-(x64|arm64|ia32|arm)(-(gnu|musl))?$/;

/** Where Node would find `name` from the package at `location`: its own, then each ancestor's. */
function resolves(packages, location, name) {
  for (let base = location; ;) {
    if (packages[`${base ? `${base}/` : ''}node_modules/${name}`]) return true;
    if (!base) return false;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent === -1 ? '' : base.slice(0, parent);
  }
}

/** Optional dependencies with no entry in the lock, as `{ name, version, requiredBy }`. */
export function findMissingOptionalDependencies(lock) {
  return Object.entries(lock.packages).flatMap(([location, entry]) =>
    Object.entries(entry.optionalDependencies ?? {})
      .filter(([name]) => !resolves(lock.packages, location, name))
      .map(([name, version]) => ({ name, version, requiredBy: location || '(root)' })),
  );
}

function repair(lockPath) {
  const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
  const missing = findMissingOptionalDependencies(lock);
  for (const { name, version, requiredBy } of missing) {
    const platform = PLATFORM.exec(name);
    if (!platform) {
      throw new Error(
        `${name}, an optional dependency of ${requiredBy}, is missing and not platform-specific`,
      );
    }
    lock.packages[`node_modules/${name}`] = {
      version,
      cpu: [platform[2]],
      optional: true,
      os: [platform[1]],
      ...(platform[4] ? { libc: [platform[4] === 'gnu' ? 'glibc' : 'musl'] } : {}),
    };
  }
  const entries = Object.entries(lock.packages);
  entries.sort(([a], [b]) => (a === b ? 0 : a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1));
  lock.packages = Object.fromEntries(entries);
  writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
  process.stdout.write(
    missing.length
      ? `Added to package-lock.json: ${missing.map((m) => `${m.name}@${m.version}`).join(', ')}\n`
      : 'package-lock.json is complete\n',
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  repair(fileURLToPath(new URL('../package-lock.json', import.meta.url)));
}

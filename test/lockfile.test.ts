/**
 * `npm ci` (CI's install) refuses a lock that misses any optional dependency, and this
 * machine's registry lacks some platform-specific ones, which `npm install` then drops.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without type declarations
import { findMissingOptionalDependencies } from '../.ci/repair-lockfile.mjs';

it('package-lock.json has an entry for every optional dependency', () => {
  const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
  expect(
    findMissingOptionalDependencies(lock),
    'run `node .ci/repair-lockfile.mjs` after `npm install`',
  ).toEqual([]);
});

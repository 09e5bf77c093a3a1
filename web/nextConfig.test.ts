/**
 * web/next.config.ts as Next.js loads it (its own loader, in a process of its own, since the
 * file is read once per process): SIGHTLINE_WEB_COMPRESS turns compression off for `next start`,
 * never for the Lambda package, and a value it does not know stops the server with its name.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const WEB_DIRECTORY = path.dirname(fileURLToPath(import.meta.url));
const LOAD_CONFIG = `
const loadConfig = require('next/dist/server/config').default;
const { PHASE_PRODUCTION_SERVER } = require('next/constants');
loadConfig(PHASE_PRODUCTION_SERVER, process.argv[1]).then(
  (config) => console.log(JSON.stringify({ compress: config.compress })),
  (error) => console.log(JSON.stringify({ error: error.message })),
);`;

function loadedConfig(env: Record<string, string>): { compress?: boolean; error?: string } {
  const inherited = { ...process.env };
  delete inherited.SIGHTLINE_WEB_COMPRESS;
  delete inherited.SIGHTLINE_WEB_BUILD;
  const run = spawnSync(process.execPath, ['-e', LOAD_CONFIG, WEB_DIRECTORY], {
    cwd: WEB_DIRECTORY,
    env: { ...inherited, NEXT_TELEMETRY_DISABLED: '1', ...env },
    encoding: 'utf8',
  });
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as { compress?: boolean; error?: string };
}

describe('web/next.config.ts', () => {
  it('compresses unless SIGHTLINE_WEB_COMPRESS is off', () => {
    expect(loadedConfig({})).toEqual({ compress: true });
    expect(loadedConfig({ SIGHTLINE_WEB_COMPRESS: 'on' })).toEqual({ compress: true });
    expect(loadedConfig({ SIGHTLINE_WEB_COMPRESS: 'off' })).toEqual({ compress: false });
  });

  it('always compresses in the Lambda package', () => {
    expect(
      loadedConfig({ SIGHTLINE_WEB_BUILD: 'lambda', SIGHTLINE_WEB_COMPRESS: 'off' }).compress,
    ).toBe(true);
  });

  it.each(['false', '0', 'OFF', ''])('refuses SIGHTLINE_WEB_COMPRESS=%j, naming it', (value) => {
    expect(loadedConfig({ SIGHTLINE_WEB_COMPRESS: value }).error).toMatch(
      /SIGHTLINE_WEB_COMPRESS must be on or off/,
    );
  });
});

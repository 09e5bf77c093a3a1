/**
 * Builds the web app's AWS Lambda package (`npx sightline build-web`): a production Next.js
 * build in standalone mode (`SIGHTLINE_WEB_BUILD=lambda`, see web/next.config.ts: the server
 * with only the files it needs, in `web/.next-lambda`), its static files beside it, the start
 * script (infra/web/lambdaStart.ts, bundled) and `run.sh`, the handler the AWS Lambda Web
 * Adapter runs. The CDK stack deploys the resulting directory as the web function's code.
 */
import { chmodSync, cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REQUIRE_BANNER } from '../constructs/lambdaBundling.ts';
import { runNextBuild, withBuildLock } from '../local/webApp.ts';
import { WEB_DIST_DIRECTORY, WEB_HANDLER, WEB_PACKAGE_DIRECTORY } from './webPackage.ts';

const START_ENTRY = fileURLToPath(new URL('./lambdaStart.ts', import.meta.url));

export async function buildWebPackage(options: {
  root: string;
  logDirectory: string;
  signal?: AbortSignal;
}): Promise<string> {
  const { root } = options;
  const dist = path.join(root, WEB_DIST_DIRECTORY);
  const packageDirectory = path.join(root, WEB_PACKAGE_DIRECTORY);
  // One Next.js build of web/ at a time: both builds rewrite web/next-env.d.ts, so a local
  // stack's build starting beside this one could read this one's half-written types.
  await withBuildLock(root, options.signal, async () => {
    // A stale package must not survive a failed build.
    rmSync(dist, { recursive: true, force: true });
    await runNextBuild({
      root,
      name: 'web-lambda-build',
      logDirectory: options.logDirectory,
      env: { SIGHTLINE_WEB_BUILD: 'lambda' },
      ...(options.signal ? { signal: options.signal } : {}),
    });
  });
  const appDirectory = path.join(packageDirectory, 'web');
  // Standalone output leaves static assets to a CDN; here the server serves them itself.
  cpSync(path.join(dist, 'static'), path.join(appDirectory, '.next-lambda', 'static'), {
    recursive: true,
  });
  const publicDirectory = path.join(root, 'web', 'public');
  if (existsSync(publicDirectory)) {
    cpSync(publicDirectory, path.join(appDirectory, 'public'), { recursive: true });
  }
  const { build } = await import('esbuild');
  await build({
    entryPoints: [START_ENTRY],
    outfile: path.join(appDirectory, 'lambda-start.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    // The AWS SDK's CommonJS parts call require().
    banner: { js: REQUIRE_BANNER },
    logLevel: 'warning',
  });
  const handler = path.join(packageDirectory, WEB_HANDLER);
  writeFileSync(handler, '#!/bin/sh\ncd "$(dirname "$0")/web" && exec node lambda-start.mjs\n');
  chmodSync(handler, 0o755);
  return packageDirectory;
}

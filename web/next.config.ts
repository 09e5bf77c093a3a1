/**
 * Next.js configuration for the Sightline web app. The app imports TypeScript source from
 * outside `web/` (`../functions/...` and the `@sightline/sdk` workspace package, whose
 * `exports` point at `.ts` files), so the bundler and the file tracer start at the repository
 * root.
 */
import path from 'node:path';
import type { NextConfig } from 'next';

// Next transpiles this file to CommonJS before loading it, so `__dirname` is defined here.
const repositoryRoot = path.resolve(__dirname, '..');

/**
 * `npx sightline build-web` (infra/web/buildWebPackage.ts) builds the AWS Lambda package: Next's
 * standalone server with only the files it needs, in a directory of its own so the local
 * stack's build in `.next` is left alone. The embedded engine and build tooling are never
 * traced into it (the deployed app reads ClickHouse over HTTPS).
 */
const lambdaBuild =
  process.env.SIGHTLINE_WEB_BUILD === 'lambda'
    ? ({
        output: 'standalone',
        distDir: '.next-lambda',
        // The repository's own type check (npm test) covers these sources; the package build
        // does not repeat it.
        typescript: { ignoreBuildErrors: true },
        // Lambda's code directory is read-only: no image optimizer writing its cache there.
        images: { unoptimized: true },
        // Globs relative to web/; the dependencies sit in the repository's node_modules.
        outputFileTracingExcludes: {
          '*': [
            '../node_modules/chdb/**',
            '../node_modules/@chdb/**',
            '../node_modules/typescript/**',
            '../node_modules/esbuild/**',
            '../node_modules/@esbuild/**',
          ],
        },
      } satisfies NextConfig)
    : {};

/**
 * SIGHTLINE_WEB_COMPRESS: `on` (the default) or `off`. Read here rather than with the server's
 * environment (functions/config/env.ts): Next.js loads this file on its own, before any server
 * code, and cannot import that module. Any other value stops the server, naming the variable.
 */
function compressionSetting(): 'on' | 'off' {
  const value = process.env.SIGHTLINE_WEB_COMPRESS ?? 'on';
  if (value === 'on' || value === 'off') return value;
  throw new Error(
    `Invalid environment: SIGHTLINE_WEB_COMPRESS must be on or off, not ${JSON.stringify(value.slice(0, 40))}`,
  );
}

const nextConfig: NextConfig = {
  ...lambdaBuild,
  turbopack: { root: repositoryRoot },
  outputFileTracingRoot: repositoryRoot,
  transpilePackages: ['@sightline/sdk'],
  // chdb is a native addon that owns a data directory per process: the web process must never
  // bundle or load it (it reads ClickHouse over HTTP). The ClickHouse client and the AWS
  // secret reader (lazily imported by the client factory, only in AWS) stay plain Node.js
  // dependencies rather than being bundled.
  serverExternalPackages: ['@clickhouse/client', 'chdb', '@aws-lambda-powertools/parameters'],
  // forbidden() renders app/forbidden.tsx with status 403 when a role lacks a permission.
  experimental: { authInterrupts: true },
  poweredByHeader: false,
  // `next start` reads this when the server starts. The local stack's server listens on
  // loopback only, where compressing answers costs CPU at both ends and saves nothing (~1.4 ms
  // on a 44 KB trace list); the launcher turns it off there. The Lambda package's standalone
  // server keeps the configuration of its build, and always compresses: API Gateway, in front
  // of it, does not.
  compress: process.env.SIGHTLINE_WEB_BUILD === 'lambda' || compressionSetting() === 'on',
  reactStrictMode: true,
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Referrer-Policy', value: 'no-referrer' },
        ],
      },
    ];
  },
};

export default nextConfig;

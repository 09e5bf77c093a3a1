/**
 * How the Node.js Lambda functions (ingest, judge) are bundled: esbuild, through CDK's
 * NodejsFunction, into one minified ES module. The benchmarks that measure the ingest chain
 * bundle their scripts the same way (`lambdaEsbuildOptions`), so they time the code that ships
 * rather than sources run through tsx (whose keep-names transform adds a call to every closure
 * the code creates).
 */
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** The functions' runtime (Node.js 24), as esbuild names it. */
export const LAMBDA_NODE_TARGET = 'node24';

/** ES module output has no `require`; some bundled dependencies are CommonJS and call it. */
export const REQUIRE_BANNER =
  "import { createRequire as __sightlineCreateRequire } from 'node:module'; const require = __sightlineCreateRequire(import.meta.url);";

/** Fields of the bundle both the CDK construct and a plain esbuild build take as they are. */
export const LAMBDA_BUNDLE = {
  mainFields: ['module', 'main'],
  minify: true,
  // chdb is the embedded engine of the local stack, a native module that is only imported
  // when no ClickHouse URL is configured, which never happens in Lambda. Everything else, the
  // AWS SDK included, is bundled so the function runs the versions the tests ran instead of
  // whatever SDK the runtime ships.
  external: ['chdb'],
} as const;

/** NodejsFunction's `bundling` for every function. */
export const NODEJS_BUNDLING: BundlingOptions = {
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  target: LAMBDA_NODE_TARGET,
  mainFields: [...LAMBDA_BUNDLE.mainFields],
  banner: REQUIRE_BANNER,
  minify: LAMBDA_BUNDLE.minify,
  sourceMap: true,
  sourcesContent: false,
  externalModules: [...LAMBDA_BUNDLE.external],
};

/**
 * The same bundle as esbuild options, for `target` (a benchmark runs it on this machine's
 * Node.js, which may be older than Lambda's).
 */
export function lambdaEsbuildOptions(target: string): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    minify: LAMBDA_BUNDLE.minify,
    external: [...LAMBDA_BUNDLE.external],
    banner: { js: REQUIRE_BANNER },
    logLevel: 'warning',
  };
}

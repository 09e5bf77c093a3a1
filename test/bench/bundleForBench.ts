/**
 * Benchmark scripts run as production code runs: bundled once by esbuild into one ES module,
 * not through tsx, whose keep-names transform adds a call (`Object.defineProperty(fn, 'name',
 * …)`) to every closure the code creates, a cost no production build has.
 */
import type { BuildOptions } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lambdaEsbuildOptions } from '../../infra/constructs/lambdaBundling.ts';

const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Bundles `script` (a path from the repository's root) with the Lambda functions' options
 * (infra/constructs/lambdaBundling.ts) for this Node.js, changed by `overrides`, and returns
 * the bundle's path: inside node_modules, so packages left external resolve from the
 * repository's.
 */
export async function bundleForBench(
  script: string,
  overrides: BuildOptions = {},
): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = path.join(
    REPOSITORY_ROOT,
    'node_modules/.cache/sightline-bench',
    `${path.basename(script, '.ts')}.mjs`,
  );
  await build({
    ...lambdaEsbuildOptions(`node${process.versions.node.split('.')[0]}`),
    ...overrides,
    entryPoints: [path.join(REPOSITORY_ROOT, script)],
    outfile,
  });
  return outfile;
}

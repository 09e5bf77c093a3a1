/**
 * Builds the SDK's npm package (`npx sightline build-sdk`): the workspace package in `sdk/`
 * exports its TypeScript sources, which the repository's own tools (tsx, vitest, Next.js, the
 * Lambda bundler) compile themselves, but which plain Node.js refuses to load (Node 20 has no
 * type stripping, and later versions refuse to strip types under node_modules). The package
 * published to npm holds JavaScript with type declarations: `tsc -p sdk/tsconfig.build.json`
 * into `dist/`, and a manifest whose exports point there.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';

/** The fields of sdk/package.json the builder reads; everything else is carried over. */
interface WorkspaceManifest {
  name: string;
  /** The workspace package is private, so its TypeScript sources are never published by mistake. */
  private?: boolean;
  version: string;
  exports: Record<string, string>;
  devDependencies?: Record<string, string>;
  [field: string]: unknown;
}

/** Where a source file of `src/` lands in `dist/`, and its declarations. */
function compiledPaths(source: string): { types: string; default: string } {
  const match = /^\.\/src\/(.+)\.ts$/.exec(source);
  if (!match) {
    throw new Error(`sdk/package.json: export target ${source} is not a .ts file under ./src/`);
  }
  return { types: `./dist/${match[1]}.d.ts`, default: `./dist/${match[1]}.js` };
}

/**
 * The published manifest: each export points at the compiled module and its declarations
 * (`types` first, as TypeScript requires), the files list names what the package holds, and
 * the workspace's development dependencies (the integrations' clients its tests use) and its
 * `private` flag go.
 */
export function publishedManifest(workspace: WorkspaceManifest): Record<string, unknown> {
  const { devDependencies: _development, private: _private, exports, ...rest } = workspace;
  return {
    ...rest,
    exports: Object.fromEntries(
      Object.entries(exports).map(([entry, source]) => [entry, compiledPaths(source)]),
    ),
    types: compiledPaths(exports['.'] ?? './src/index.ts').types,
    files: ['dist', 'schema', 'README.md'],
    sideEffects: false,
  };
}

/** Builds the package into `outDirectory` (replacing it) and returns that directory. */
export async function buildSdkPackage(options: {
  root: string;
  outDirectory: string;
}): Promise<string> {
  const sdkDirectory = path.join(options.root, 'sdk');
  const out = path.resolve(options.outDirectory);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    await promisify(execFile)(
      process.execPath,
      [
        tsc,
        '-p',
        path.join(sdkDirectory, 'tsconfig.build.json'),
        '--outDir',
        path.join(out, 'dist'),
      ],
      { cwd: options.root, maxBuffer: 16 * 1_048_576 },
    );
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`compiling the SDK failed:\n${stdout}${stderr}`.trim());
  }
  const workspace = JSON.parse(
    readFileSync(path.join(sdkDirectory, 'package.json'), 'utf8'),
  ) as WorkspaceManifest;
  writeFileSync(
    path.join(out, 'package.json'),
    `${JSON.stringify(publishedManifest(workspace), null, 2)}\n`,
  );
  cpSync(path.join(sdkDirectory, 'README.md'), path.join(out, 'README.md'));
  cpSync(path.join(sdkDirectory, 'schema'), path.join(out, 'schema'), { recursive: true });
  return out;
}

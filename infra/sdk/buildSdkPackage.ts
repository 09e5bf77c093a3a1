/**
 * Builds the SDK's npm package (`npx sightline build-sdk`): the workspace package in `sdk/`
 * exports its TypeScript sources, which the repository's own tools (tsx, vitest, Next.js, the
 * Lambda bundler) compile themselves, but which plain Node.js refuses to load (Node 20 has no
 * type stripping, and later versions refuse to strip types under node_modules). The package
 * published to npm holds JavaScript with type declarations: `tsc -p sdk/tsconfig.build.json`
 * into `dist/`, and a manifest whose exports point there. Its source maps carry the TypeScript
 * they map to (`inlineSources`), since the sources themselves are not in the package.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * Entry points that do their work when loaded, which bundlers must keep even when nothing
 * imports a binding from them: the export worker starts exporting on load. Every other module
 * only declares things (the client registers its `beforeExit` hook in `init()`, not on import).
 */
const ENTRIES_RUN_ON_LOAD = ['./export-worker'];

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
 * `private` flag go. `typesVersions` maps each subpath to its declarations again for projects
 * whose TypeScript resolves modules the older way (`moduleResolution: "node10"`), which does
 * not read `exports`: without it, `@sightline/sdk/openai` has no types there.
 */
export function publishedManifest(workspace: WorkspaceManifest): Record<string, unknown> {
  const { devDependencies: _development, private: _private, exports, ...rest } = workspace;
  return {
    ...rest,
    exports: Object.fromEntries(
      Object.entries(exports).map(([entry, source]) => [entry, compiledPaths(source)]),
    ),
    types: compiledPaths(exports['.'] ?? './src/index.ts').types,
    typesVersions: {
      '*': Object.fromEntries(
        Object.entries(exports)
          .filter(([entry]) => entry !== '.')
          .map(([entry, source]) => [entry.replace(/^\.\//, ''), [compiledPaths(source).types]]),
      ),
    },
    files: ['dist', 'schema', 'README.md'],
    sideEffects: ENTRIES_RUN_ON_LOAD.flatMap((entry) => {
      const source = exports[entry];
      return source ? [compiledPaths(source).default] : [];
    }),
  };
}

/** `repository` as npm accepts it: a URL, or `{ url, directory }` for a package in a monorepo. */
function repositoryBrowseUrl(repository: unknown, packageDirectory: string): string | undefined {
  const { url, directory = packageDirectory } =
    typeof repository === 'string'
      ? { url: repository }
      : ((repository ?? {}) as { url?: string; directory?: string });
  const web = /^(?:git\+)?(https:\/\/github\.com\/[^/]+\/[^/]+?)(?:\.git)?\/?$/.exec(
    url ?? '',
  )?.[1];
  return web && `${web}/blob/HEAD/${directory}`;
}

/**
 * The README as npm shows it: npm renders it without the repository around it, so a relative
 * link (`../docs/benchmarks.md`, `src/…`) leads nowhere. Such links point into the repository
 * when the manifest names one on GitHub; without one they keep their text and lose the target.
 * Fenced code is left alone.
 */
export function publishedReadme(
  readme: string,
  options: { repository?: unknown; packageDirectory: string },
): string {
  const base = repositoryBrowseUrl(options.repository, options.packageDirectory);
  const relativeLink = /\[([^\]]*)\]\((?![a-z][a-z0-9+.-]*:|\/|#)([^)\s]+)\)/gi;
  return readme
    .split(/^(?=```)/m)
    .map((block, index) =>
      index % 2 === 1
        ? block
        : block.replace(relativeLink, (_link, text: string, target: string) =>
            base ? `[${text}](${new URL(target, `${base}/`).href})` : text,
          ),
    )
    .join('');
}

/**
 * tsc writes each map's `sources` relative to where it compiled from (with `--outDir` outside
 * the repository, a path through the build machine's directories). They are made relative to
 * the package instead (`../src/…`, where the sources would sit beside `dist/`), so a stack
 * trace under `node --enable-source-maps` names the SDK's file; the content is in the map.
 */
function relocateSourceMaps(distDirectory: string, sourceDirectory: string): void {
  const entries = readdirSync(distDirectory, { recursive: true, encoding: 'utf8' });
  for (const entry of entries.filter((name) => name.endsWith('.js.map'))) {
    const file = path.join(distDirectory, entry);
    const map = JSON.parse(readFileSync(file, 'utf8')) as { sources: string[] };
    map.sources = map.sources.map((source) => {
      const fromSources = path.relative(sourceDirectory, path.resolve(path.dirname(file), source));
      const inPackage = path.join(distDirectory, '..', 'src', fromSources);
      return path.relative(path.dirname(file), inPackage).split(path.sep).join('/');
    });
    writeFileSync(file, JSON.stringify(map));
  }
}

/** Whether `directory` is missing, empty, or an earlier build of this package (and only that). */
function isReplaceableOutput(directory: string): boolean {
  let entries: string[];
  try {
    entries = readdirSync(directory);
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    if (code === 'ENOENT') return true;
    // A file where the directory should be: replacing it would delete it.
    if (code === 'ENOTDIR') return false;
    throw error;
  }
  if (entries.length === 0) return true;
  const built = new Set(['package.json', 'dist', 'schema', 'README.md', 'LICENSE']);
  if (!entries.every((entry) => built.has(entry))) return false;
  try {
    const manifest = JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8')) as {
      name?: unknown;
      exports?: Record<string, { default?: unknown }>;
    };
    return (
      manifest.name === '@sightline/sdk' &&
      typeof manifest.exports?.['.']?.default === 'string' &&
      manifest.exports['.'].default.startsWith('./dist/')
    );
  } catch {
    return false;
  }
}

/** Builds the package into `outDirectory` (replacing it) and returns that directory. */
export async function buildSdkPackage(options: {
  root: string;
  outDirectory: string;
}): Promise<string> {
  const sdkDirectory = path.join(options.root, 'sdk');
  const out = path.resolve(options.outDirectory);
  // The output directory is replaced, so it must be one this builder made (or empty or new):
  // `--out .`, `--out ~` or `--out /tmp` must not delete what is there.
  if (!isReplaceableOutput(out)) {
    throw new Error(
      `the output directory ${out} is neither new, nor empty, nor an earlier build of the SDK package; choose another`,
    );
  }
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
  relocateSourceMaps(path.join(out, 'dist'), path.join(sdkDirectory, 'src'));
  const workspace = JSON.parse(
    readFileSync(path.join(sdkDirectory, 'package.json'), 'utf8'),
  ) as WorkspaceManifest;
  writeFileSync(
    path.join(out, 'package.json'),
    `${JSON.stringify(publishedManifest(workspace), null, 2)}\n`,
  );
  const readme = readFileSync(path.join(sdkDirectory, 'README.md'), 'utf8');
  writeFileSync(
    path.join(out, 'README.md'),
    publishedReadme(readme, {
      repository: workspace['repository'],
      packageDirectory: path.relative(options.root, sdkDirectory).split(path.sep).join('/'),
    }),
  );
  cpSync(path.join(sdkDirectory, 'schema'), path.join(out, 'schema'), { recursive: true });
  // The repository's licence (Apache-2.0, as both manifests say) goes with the package.
  cpSync(path.join(options.root, 'LICENSE'), path.join(out, 'LICENSE'));
  return out;
}

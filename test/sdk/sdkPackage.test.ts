/**
 * The SDK as npm users get it: `npx sightline build-sdk` (infra/sdk/buildSdkPackage.ts) makes
 * the package, it is installed into an app of its own, and plain Node.js (no tsx, no bundler)
 * runs that app: a real `openai` client, wrapped, against the fake OpenAI server, exporting
 * from the package's worker thread to real kinesalite. A CommonJS app `require()`s every entry
 * point, and a TypeScript app compiled against the package (NodeNext resolution) proves its type
 * declarations load. `npm pack` shows what would be published.
 */
import { execFile, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  buildSdkPackage,
  publishedManifest,
  publishedReadme,
} from '../../infra/sdk/buildSdkPackage.ts';
import type { SpanItem } from '../../sdk/src/contract/index.ts';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fakeOpenAiServer.ts';
import {
  createStreamAndWait,
  createTestKinesisClient,
  readStreamRecords,
  startKinesalite,
  uniqueStreamName,
  type KinesaliteServer,
} from '../helpers/kinesalite.ts';
import { REPOSITORY_ROOT } from '../helpers/localStackProcess.ts';
import { decodeRecordItems } from '../helpers/sdkRecords.ts';

/**
 * What the app has installed besides the SDK: the SDK's dependencies, as its manifest lists
 * them, and the clients it traces.
 */
const APP_DEPENDENCIES = [
  ...Object.keys(
    (
      JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, 'sdk/package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
      }
    ).dependencies,
  ),
  'openai',
  '@langchain/core',
  '@types/node',
];

const APP = `
import { readFileSync } from 'node:fs';
import { init } from '@sightline/sdk';
import { wrapOpenAI } from '@sightline/sdk/openai';
import OpenAI from 'openai';

// Every entry point loads, whether its client library is installed or not (only LangChain's
// handler needs its library at load: it extends one of its classes). The worker's entry runs
// as the worker, below.
const manifest = JSON.parse(
  readFileSync(new URL('./node_modules/@sightline/sdk/package.json', import.meta.url), 'utf8'),
);
const unloadable = [];
for (const entry of Object.keys(manifest.exports)) {
  if (entry === './export-worker') continue;
  const specifier = entry === '.' ? '@sightline/sdk' : '@sightline/sdk/' + entry.slice(2);
  await import(specifier).catch((error) => unloadable.push(specifier + ': ' + error.message));
}

const errors = [];
let workers = 0;
process.on('worker', () => (workers += 1));
const sightline = init({
  projectId: 'package-test',
  ingestKeyId: 'ik_package',
  ingestKey: 'p'.repeat(43),
  streamName: process.env.STREAM_NAME,
  endpoint: process.env.KINESIS_ENDPOINT,
  exportThread: 'worker',
  onError: (error) => errors.push(String(error)),
});
const client = wrapOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: process.env.OPENAI_BASE_URL }));
const answer = sightline.observe('answer-question', async (question) => {
  const completion = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: question }],
  });
  return completion.choices[0].message.content;
});
const text = await answer('What is a span?');
await sightline.shutdown();
console.log(JSON.stringify({ unloadable, text, errors, workers, stats: sightline.stats() }));
`;

// Node.js 20.19+ and 22.12+ load ES modules with require(). Run with --enable-source-maps, the
// stack of an error thrown in the SDK names its TypeScript source, which its maps carry.
const COMMONJS_APP = `
const { readFileSync } = require('node:fs');
const manifest = JSON.parse(
  readFileSync(__dirname + '/node_modules/@sightline/sdk/package.json', 'utf8'),
);
const unloadable = [];
for (const entry of Object.keys(manifest.exports)) {
  if (entry === './export-worker') continue;
  const specifier = entry === '.' ? '@sightline/sdk' : '@sightline/sdk/' + entry.slice(2);
  try {
    require(specifier);
  } catch (error) {
    unloadable.push(specifier + ': ' + error.message);
  }
}
let stack = '';
try {
  require('@sightline/sdk').init({});
} catch (error) {
  stack = error.stack;
}
console.log(JSON.stringify({ unloadable, stack }));
`;

const TYPED_APP = `
import { init, type Sightline } from '@sightline/sdk';
import { wrapOpenAI } from '@sightline/sdk/openai';
import OpenAI from 'openai';

const sightline: Sightline = init({ projectId: 'p', ingestKeyId: 'k', ingestKey: 'x' });
const client: OpenAI = wrapOpenAI(new OpenAI({ apiKey: 'sk-test' }));
export const answer: (question: string) => Promise<string | null> = sightline.observe(
  'answer',
  async (question: string) =>
    (await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: question }] }))
      .choices[0]!.message.content,
);
`;

const TSCONFIG = {
  compilerOptions: {
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    target: 'ES2022',
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  },
};

describe('publishedManifest', () => {
  it('points every export at compiled JavaScript and its declarations', () => {
    const manifest = publishedManifest({
      name: '@sightline/sdk',
      version: '1.2.3',
      private: true,
      type: 'module',
      exports: {
        '.': './src/index.ts',
        './openai': './src/integrations/openai/index.ts',
        './export-worker': './src/transport/exportWorker.ts',
      },
      dependencies: { zod: '^4' },
      devDependencies: { openai: '^6' },
    });

    expect(manifest).toEqual({
      name: '@sightline/sdk',
      version: '1.2.3',
      type: 'module',
      exports: {
        '.': { types: './dist/index.d.ts', default: './dist/index.js' },
        './openai': {
          types: './dist/integrations/openai/index.d.ts',
          default: './dist/integrations/openai/index.js',
        },
        './export-worker': {
          types: './dist/transport/exportWorker.d.ts',
          default: './dist/transport/exportWorker.js',
        },
      },
      types: './dist/index.d.ts',
      // For TypeScript's older resolution (node10), which does not read `exports`.
      typesVersions: {
        '*': {
          openai: ['./dist/integrations/openai/index.d.ts'],
          'export-worker': ['./dist/transport/exportWorker.d.ts'],
        },
      },
      dependencies: { zod: '^4' },
      files: ['dist', 'schema', 'README.md'],
      // The worker's entry starts exporting on load: a bundler must keep it.
      sideEffects: ['./dist/transport/exportWorker.js'],
    });
  });

  it('refuses an export that is not a TypeScript source under src/', () => {
    expect(() =>
      publishedManifest({ name: 'x', version: '1.0.0', exports: { '.': './lib/index.js' } }),
    ).toThrow('./lib/index.js is not a .ts file under ./src/');
  });
});

describe('publishedReadme', () => {
  const README = [
    'Measured in [`docs/benchmarks.md`](../docs/benchmarks.md), listed in [the list](src/list.ts#L3).',
    'See [limits](#limits) and [npm](https://www.npmjs.com/).',
    '```ts',
    'handlers[name](input);',
    '```',
    '',
  ].join('\n');

  it.each([
    {
      case: 'without a repository, relative links keep their text',
      repository: undefined,
      first: 'Measured in `docs/benchmarks.md`, listed in the list.',
    },
    {
      case: 'with a GitHub repository, relative links point into it',
      repository: {
        type: 'git',
        url: 'git+https://github.com/acme/sightline.git',
        directory: 'sdk',
      },
      first:
        'Measured in [`docs/benchmarks.md`](https://github.com/acme/sightline/blob/HEAD/docs/benchmarks.md), ' +
        'listed in [the list](https://github.com/acme/sightline/blob/HEAD/sdk/src/list.ts#L3).',
    },
  ])('$case; anchors, absolute links and code stay', ({ repository, first }) => {
    const published = publishedReadme(README, { repository, packageDirectory: 'sdk' });

    expect(published.split('\n')).toEqual([first, ...README.split('\n').slice(1)]);
  });
});

describe('the built SDK package in a plain Node.js app', () => {
  let workDirectory: string;
  let appDirectory: string;
  let kinesalite: KinesaliteServer;
  let reader: KinesisClient;
  let openAi: FakeOpenAiServer;

  beforeAll(async () => {
    workDirectory = mkdtempSync(path.join(tmpdir(), 'sightline-sdk-package-'));
    appDirectory = path.join(workDirectory, 'app');
    const modules = path.join(appDirectory, 'node_modules');
    mkdirSync(path.join(modules, '@sightline'), { recursive: true });
    await buildSdkPackage({
      root: REPOSITORY_ROOT,
      outDirectory: path.join(modules, '@sightline', 'sdk'),
    });
    // Installed as npm would, from the repository's copies (no registry here).
    for (const name of APP_DEPENDENCIES) {
      mkdirSync(path.dirname(path.join(modules, name)), { recursive: true });
      symlinkSync(
        path.join(REPOSITORY_ROOT, 'node_modules', name),
        path.join(modules, name),
        'dir',
      );
    }
    writeFileSync(path.join(appDirectory, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(path.join(appDirectory, 'app.js'), APP);
    kinesalite = await startKinesalite();
    reader = createTestKinesisClient(kinesalite.endpoint);
    openAi = await startFakeOpenAiServer();
  }, 120_000);

  afterAll(async () => {
    reader?.destroy();
    await kinesalite?.close();
    await openAi?.close();
    if (workDirectory) rmSync(workDirectory, { recursive: true, force: true });
  });

  it('holds JavaScript and declarations only, no TypeScript sources', () => {
    const root = path.join(appDirectory, 'node_modules', '@sightline', 'sdk');
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, { types: string; default: string }>;
    };
    for (const target of Object.values(manifest.exports)) {
      expect(readFileSync(path.join(root, target.default), 'utf8')).not.toMatch(
        /from ["'][^"']+\.ts["']/,
      );
      expect(readFileSync(path.join(root, target.types), 'utf8').length).toBeGreaterThan(0);
    }
  });

  it('packs the compiled modules, their declarations and maps, the README, the licence and the schema only', async () => {
    const root = path.join(appDirectory, 'node_modules', '@sightline', 'sdk');
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: workDirectory, NODE_ENV: 'production' as const },
    });
    const [packed] = JSON.parse(stdout) as [{ files: { path: string }[] }];
    const files = packed.files.map((file) => file.path);

    expect(files.filter((file) => !file.startsWith('dist/')).sort()).toEqual([
      'LICENSE',
      'README.md',
      'package.json',
      'schema/wire-contract-v2.schema.json',
    ]);
    expect(
      files.filter((file) => file.startsWith('dist/') && !/\.(?:js|js\.map|d\.ts)$/.test(file)),
    ).toEqual([]);
    expect(files.filter((file) => /\.test\.|\/testing\//.test(file))).toEqual([]);
    const modules = files.filter((file) => file.endsWith('.js'));
    expect(files).toEqual(expect.arrayContaining(modules.map((file) => `${file}.map`)));
    expect(files).toEqual(
      expect.arrayContaining(modules.map((file) => file.replace(/js$/, 'd.ts'))),
    );
  });

  it('ships source maps that carry their sources and name them inside the package', () => {
    const dist = path.join(appDirectory, 'node_modules', '@sightline', 'sdk', 'dist');
    const maps = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith('.js.map'),
    );

    expect(maps.length).toBeGreaterThan(0);
    for (const file of maps) {
      const map = JSON.parse(readFileSync(path.join(dist, file), 'utf8')) as {
        sources: string[];
        sourcesContent?: string[];
      };
      expect(map.sourcesContent, file).toHaveLength(map.sources.length);
      expect(
        map.sourcesContent!.every((source) => source.length > 0),
        file,
      ).toBe(true);
      for (const source of map.sources) {
        expect(path.resolve(dist, path.dirname(file), source), file).toBe(
          path.join(dist, '..', 'src', file.replace(/\.js\.map$/, '.ts')),
        );
      }
    }
  });

  it('has a README without links that lead nowhere on npm', () => {
    const readme = readFileSync(
      path.join(appDirectory, 'node_modules', '@sightline', 'sdk', 'README.md'),
      'utf8',
    );

    expect(readme).not.toMatch(/\]\((?![a-z][a-z0-9+.-]*:|#)[^)\s]+\)/i);
  });

  it('loads every entry point with require(), and names the TypeScript source in stack traces', async () => {
    writeFileSync(path.join(appDirectory, 'app.cjs'), COMMONJS_APP);

    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--enable-source-maps', 'app.cjs'],
      { cwd: appDirectory, env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' as const } },
    );

    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      unloadable: string[];
      stack: string;
    };
    expect(report.unloadable).toEqual([]);
    expect(report.stack).toMatch(/SIGHTLINE_PROJECT_ID/);
    expect(report.stack).toMatch(/node_modules\/@sightline\/sdk\/src\/config\.ts:\d+:\d+/);
  });

  it('loads every entry point, traces a wrapped OpenAI call and delivers it from its worker thread', async () => {
    const streamName = uniqueStreamName('package');
    await createStreamAndWait(reader, streamName, 1);
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      STREAM_NAME: streamName,
      KINESIS_ENDPOINT: kinesalite.endpoint,
      OPENAI_BASE_URL: openAi.baseURL,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      NODE_ENV: 'production' as const,
    };
    const child = spawn(process.execPath, ['app.js'], { cwd: appDirectory, env, timeout: 45_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      unloadable: string[];
      text: string;
      errors: string[];
      workers: number;
      stats: { sent: number; dropped: number; queued: number };
    };
    expect(report).toMatchObject({
      unloadable: [],
      text: 'Hello from the fake server.',
      errors: [],
      workers: 1,
      stats: { sent: 2, dropped: 0, queued: 0 },
    });
    const spans = (await readStreamRecords(reader, streamName))
      .flatMap((record) => decodeRecordItems(record.Data!))
      .filter((item): item is SpanItem => item.type === 'span');
    const root = spans.find((span) => span.name === 'answer-question');
    const call = spans.find((span) => span.kind === 'llm');
    expect(root).toBeDefined();
    expect(call).toMatchObject({
      parentSpanId: root!.spanId,
      traceId: root!.traceId,
      requestModel: 'gpt-4o-mini',
      usage: { inputTokens: 12, outputTokens: 6 },
    });
  }, 60_000);

  it.each([
    ['NodeNext', TSCONFIG],
    [
      'the older node10 resolution, which ignores exports',
      {
        compilerOptions: {
          ...TSCONFIG.compilerOptions,
          module: 'ESNext',
          moduleResolution: 'node10',
          esModuleInterop: true,
        },
      },
    ],
  ])(
    'type-checks an app against its declarations, and refuses one that misuses them (%s)',
    async (_resolution, tsconfig) => {
      writeFileSync(path.join(appDirectory, 'tsconfig.json'), JSON.stringify(tsconfig));
      const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
      const check = async (source: string) => {
        writeFileSync(path.join(appDirectory, 'typed.ts'), source);
        try {
          await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.json'], {
            cwd: appDirectory,
          });
          return '';
        } catch (error) {
          return String((error as { stdout?: string }).stdout ?? error);
        }
      };

      expect(await check(TYPED_APP)).toBe('');
      // Were the declarations `any`, this would compile too.
      expect(await check(TYPED_APP.replace("observe(\n  'answer',", 'observe(\n  42,'))).toMatch(
        /typed\.ts\(\d+,\d+\): error TS2345/,
      );
    },
    60_000,
  );
});

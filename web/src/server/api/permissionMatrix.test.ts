/**
 * A differential test of `/api/v1` access against docs/security.md: the role × permission
 * matrix is parsed from the doc (not taken from permissions.ts, so a drift between the two
 * fails), every route file under web/app/api/v1 is walked and each exported handler mapped to
 * its operation, and each operation's handler is called in process with a real Request for
 * every documented role and for the callers that must be refused. Real parts: dynalite for the
 * control plane, the embedded ClickHouse served over HTTP (the web app reads over HTTP only),
 * better-auth for the no-credentials case.
 *
 * What counts as allowed: the operation's own success status (200, 201 or 204), from a valid
 * request whose target (a member, a key, a token, a trace) exists; so neither 400 nor 404 is
 * needed as an excuse. Refused: 403 FORBIDDEN naming the permission for a member whose role
 * (or token scopes) lack it, 404 for a project the caller cannot reach (apiRoute hides those),
 * 401 without a valid credential.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestControlPlane } from '../../../../test/helpers/controlPlane.ts';
import { buildSpan, hex, storedSpanRow } from '../../../../test/helpers/factories.ts';
import { openTestStore, type TestStore } from '../../../../test/helpers/testStore.ts';
import { startClickHouseHttpServer } from '../../../../infra/local/clickhouse/ClickHouseHttpServer.ts';
import type { ClickHouseHttpServer } from '../../../../infra/local/clickhouse/types.ts';
import { createPasswordUser } from '../../../../functions/control/authUsers.ts';
import { insertSpans } from '../../../../functions/store/spansRepository.ts';
import { PERMISSIONS, ROLES, can, isPermission, isRole } from '../access/permissions.ts';
import { getClickHouseClient } from '../clickhouse.ts';
import { OPERATIONS } from './operationIndex.ts';
import type { ApiOperation } from './operations.ts';

// better-auth's Next.js cookie plugin imports `next/headers`, which only Next's bundler
// resolves; the no-credentials calls reach better-auth's getSession, which sets no cookie.
vi.mock('better-auth/next-js', () => ({ nextCookies: () => ({ id: 'next-cookies' }) }));

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const API_ROOT = path.join(REPO_ROOT, 'web/app/api/v1');
const ORIGIN = 'http://127.0.0.1:3000';
const PROJECT_ID = 'permission-matrix';
const OTHER_PROJECT_ID = 'permission-matrix-other';
const DAY_MS = 86_400_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- operations differ in their schema types
type Operation = ApiOperation<any, any>;
type Handler = (
  request: Request,
  context: { params: Promise<Record<string, string>> },
) => Promise<Response>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary JSON bodies
type Json = any;

// ---------------------------------------------------------------------------------------------
// The documented matrix

interface DocumentedMatrix {
  roles: string[];
  permissions: string[];
  /** permission → the roles the doc ticks for it. */
  grants: Map<string, Set<string>>;
}

const cellsOf = (line: string): string[] =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.trim().replace(/^`|`$/g, ''));

/**
 * The table under "Roles and the permission matrix": a `permission` column, a prose column,
 * then one column per role with ✓ where the role holds the permission.
 */
function parseDocumentedMatrix(markdown: string): DocumentedMatrix {
  const lines = markdown.split('\n');
  const headerIndex = lines.findIndex((line) => /^\|\s*permission\s*\|/.test(line));
  if (headerIndex === -1) throw new Error('docs/security.md has no `| permission |` table');
  const header = cellsOf(lines[headerIndex] ?? '');
  if (header[1] !== 'what it allows') {
    throw new Error(`unexpected matrix columns: ${header.join(', ')}`);
  }
  const roles = header.slice(2);
  const grants = new Map<string, Set<string>>();
  for (const line of lines.slice(headerIndex + 2)) {
    if (!line.trim().startsWith('|')) break;
    const [permission = '', , ...ticks] = cellsOf(line);
    if (ticks.length !== roles.length) throw new Error(`matrix row has wrong width: ${line}`);
    const holders = new Set<string>();
    ticks.forEach((tick, index) => {
      if (tick === '✓') holders.add(roles[index] ?? '');
      else if (tick !== '') throw new Error(`matrix cell is neither ✓ nor empty: ${line}`);
    });
    grants.set(permission, holders);
  }
  return { roles, permissions: [...grants.keys()], grants };
}

const DOC = parseDocumentedMatrix(readFileSync(path.join(REPO_ROOT, 'docs/security.md'), 'utf8'));
const docAllows = (role: string, permission: string): boolean =>
  DOC.grants.get(permission)?.has(role) ?? false;

/**
 * The permission each operation needs, read off the matrix's "what it allows" column (the doc
 * names no operation ids), and kept here rather than taken from the operation, so an operation
 * moved to a weaker permission fails. Listing members and ingest keys is not named there; they
 * sit with the settings they list.
 */
const DOCUMENTED_PERMISSION_OF: Record<string, string> = {
  // metrics:read — "overview, breakdowns, users and prompt aggregates"
  getMetricsSummary: 'metrics:read',
  getMetricsSeries: 'metrics:read',
  getMetricsBreakdown: 'metrics:read',
  getTopUsersByCost: 'metrics:read',
  listUsers: 'metrics:read',
  listPromptVersions: 'metrics:read',
  comparePromptVersions: 'metrics:read',
  // traces:read — "trace list and trace metadata"; a user's and a session's traces are lists
  listTraces: 'traces:read',
  getTrace: 'traces:read',
  getUserTraces: 'traces:read',
  getSession: 'traces:read',
  // members:manage — "add people, change roles, remove members"
  listMembers: 'members:manage',
  addMember: 'members:manage',
  updateMember: 'members:manage',
  removeMember: 'members:manage',
  // ingest_keys:manage — "create, rotate, revoke ingest keys"
  listIngestKeys: 'ingest_keys:manage',
  createIngestKey: 'ingest_keys:manage',
  rotateIngestKey: 'ingest_keys:manage',
  revokeIngestKey: 'ingest_keys:manage',
  // api_tokens:manage — "create, list, revoke API tokens"
  listApiTokens: 'api_tokens:manage',
  createApiToken: 'api_tokens:manage',
  revokeApiToken: 'api_tokens:manage',
};

// ---------------------------------------------------------------------------------------------
// The routes, walked from the file system

/** Route exports that are deliberately no operation: served without authentication. */
const PUBLIC_ROUTES = ['GET /api/v1/openapi.json'];

interface RouteExport {
  file: string;
  method: string;
  path: string;
  handler: Handler;
}

function routeFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return /^route\.(ts|tsx|js|mjs)$/.test(entry.name) ? [full] : [];
  });
}

/** `web/app/api/v1/projects/[projectId]/traces/route.ts` → `/api/v1/projects/{projectId}/traces`. */
function openApiPathOf(file: string): string {
  const segments = path
    .relative(API_ROOT, path.dirname(file))
    .split(path.sep)
    .filter((segment) => segment !== '')
    .map((segment) => segment.replace(/^\[(.+)\]$/, '{$1}'));
  return ['/api/v1', ...segments].join('/');
}

async function loadRouteExports(): Promise<RouteExport[]> {
  const exports: RouteExport[] = [];
  for (const file of routeFiles(API_ROOT).sort()) {
    const module = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as Record<
      string,
      unknown
    >;
    for (const [name, value] of Object.entries(module)) {
      // Any upper-case export a route file makes is something Next.js may serve.
      if (!/^[A-Z]+$/.test(name)) continue;
      exports.push({
        file: path.relative(REPO_ROOT, file),
        method: name,
        path: openApiPathOf(file),
        handler: value as Handler,
      });
    }
  }
  return exports;
}

const ROUTE_EXPORTS = await loadRouteExports();

interface RoutedOperation {
  operation: Operation;
  handler: Handler;
}

const routeOf = (operation: Operation): RouteExport | undefined =>
  ROUTE_EXPORTS.find((route) => route.method === operation.method && route.path === operation.path);

const ROUTED: RoutedOperation[] = OPERATIONS.flatMap((operation) => {
  const route = routeOf(operation);
  return route ? [{ operation, handler: route.handler }] : [];
});
const PROJECT_ROUTED = ROUTED.filter(({ operation }) => operation.permission !== null);
const PRINCIPAL_ROUTED = ROUTED.filter(({ operation }) => operation.permission === null);

// ---------------------------------------------------------------------------------------------
// Fixtures

interface CallSpec {
  /** Path parameters other than projectId. */
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}

interface CallResult {
  status: number;
  body: Json;
}

type Plane = Awaited<ReturnType<typeof startTestControlPlane>>;

/** What the seeded trace holds: a user, a session and message text. */
const SEEDED = {
  traceId: hex(16),
  userId: 'matrix-end-user',
  sessionId: 'matrix-session',
  question: 'Which city hosts the permission matrix conference?',
} as const;

let plane: Plane;
let store: TestStore;
let clickhouse: ClickHouseHttpServer;
let counter = 0;
const unique = (label: string): string => `${label}-${(counter += 1)}`;

async function newMember(role: (typeof ROLES)[number]): Promise<string> {
  const userId = unique(`member-${role}`);
  await plane.memberships.putMembership(PROJECT_ID, userId, role);
  return userId;
}

async function newToken(input: {
  projectId?: string;
  createdBy: string;
  scopes: readonly string[];
}): Promise<string> {
  const { token } = await plane.apiTokens.createToken({
    projectId: input.projectId ?? PROJECT_ID,
    name: unique('matrix-token'),
    scopes: [...input.scopes],
    createdBy: input.createdBy,
    expiresAt: new Date(Date.now() + DAY_MS),
  });
  return token;
}

/**
 * A valid request for each operation, with a fresh target where the operation changes one, so
 * an allowed caller gets the success status. A new operation fails the coverage test below
 * until it has an entry here.
 */
const REQUEST_FOR: Record<string, () => Promise<CallSpec>> = {
  listMembers: async () => ({}),
  addMember: async () => {
    // An existing account: an API token may not create one (a documented 403).
    const user = await createPasswordUser(plane.authRecords, {
      email: `${unique('added')}@sightline.test`,
      password: 'a permission matrix password',
    });
    return { body: { email: user.email, role: 'viewer' } };
  },
  updateMember: async () => ({
    params: { userId: await newMember('viewer') },
    body: { role: 'engineer' },
  }),
  removeMember: async () => ({ params: { userId: await newMember('viewer') } }),
  listIngestKeys: async () => ({}),
  createIngestKey: async () => ({}),
  rotateIngestKey: async () => ({
    params: { keyId: (await plane.projects.createIngestKey(PROJECT_ID)).keyId },
  }),
  revokeIngestKey: async () => ({
    params: { keyId: (await plane.projects.createIngestKey(PROJECT_ID)).keyId },
  }),
  listApiTokens: async () => ({}),
  createApiToken: async () => ({
    body: { name: 'minted by the matrix test', scopes: ['metrics:read'], expiresInDays: 1 },
  }),
  revokeApiToken: async () => {
    const { item } = await plane.apiTokens.createToken({
      projectId: PROJECT_ID,
      name: unique('to-revoke'),
      scopes: ['metrics:read'],
      createdBy: await newMember('viewer'),
      expiresAt: new Date(Date.now() + DAY_MS),
    });
    return { params: { tokenId: item.tokenId } };
  },
  getMetricsSummary: async () => ({}),
  getMetricsSeries: async () => ({}),
  getMetricsBreakdown: async () => ({ query: { dimension: 'model' } }),
  getTopUsersByCost: async () => ({}),
  listTraces: async () => ({}),
  getTrace: async () => ({ params: { traceId: SEEDED.traceId } }),
  listUsers: async () => ({}),
  getUserTraces: async () => ({ params: { userId: SEEDED.userId } }),
  getSession: async () => ({ params: { sessionId: SEEDED.sessionId } }),
  listPromptVersions: async () => ({}),
  comparePromptVersions: async () => ({ query: { name: 'support', a: 'v1', b: 'v2' } }),
  getMe: async () => ({}),
  changePassword: async () => ({
    body: { currentPassword: 'the current password', newPassword: 'a brand new password' },
  }),
};

async function call(
  { operation, handler }: RoutedOperation,
  spec: CallSpec,
  options: { bearer?: string; projectId?: string } = {},
): Promise<CallResult> {
  const params: Record<string, string> = {
    ...(operation.path.includes('{projectId}')
      ? { projectId: options.projectId ?? PROJECT_ID }
      : {}),
    ...spec.params,
  };
  const pathname = operation.path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${operation.id}: no value for {${name}}`);
    return encodeURIComponent(value);
  });
  const search = spec.query ? `?${new URLSearchParams(spec.query)}` : '';
  const request = new Request(`${ORIGIN}${pathname}${search}`, {
    method: operation.method,
    headers: {
      host: '127.0.0.1:3000',
      ...(options.bearer ? { authorization: `Bearer ${options.bearer}` } : {}),
      ...(spec.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
  });
  const response = await handler(request, { params: Promise.resolve(params) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

const describeResult = (result: CallResult): string =>
  `${result.status} ${JSON.stringify(result.body)?.slice(0, 300)}`;

/** One member per documented role, each with a token scoped to every permission. */
const roleTokens = new Map<string, string>();
/** Admin tokens scoped to every permission but one. */
const tokensWithout = new Map<string, string>();
let otherProjectToken: string;
let leaverToken: string;

beforeAll(async () => {
  plane = await startTestControlPlane();
  store = await openTestStore('permission-matrix');
  const clickhouseAuth = { username: 'matrix', password: 'matrix-password' };
  clickhouse = await startClickHouseHttpServer({
    engine: store.embedded.engine,
    auth: clickhouseAuth,
  });
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', plane.env.AWS_ENDPOINT_URL_DYNAMODB);
  vi.stubEnv('SIGHTLINE_AUTH_SECRET', 'a-test-secret-that-is-long-enough-0123456789');
  vi.stubEnv('CLICKHOUSE_URL', clickhouse.url);
  vi.stubEnv('CLICKHOUSE_USER', clickhouseAuth.username);
  vi.stubEnv('CLICKHOUSE_PASSWORD', clickhouseAuth.password);

  for (const projectId of [PROJECT_ID, OTHER_PROJECT_ID]) {
    await plane.projects.putProject({ projectId, name: projectId, retentionDays: 30 });
  }
  await insertSpans(store.client, [
    storedSpanRow(
      buildSpan({
        traceId: SEEDED.traceId,
        userId: SEEDED.userId,
        sessionId: SEEDED.sessionId,
        inputMessages: [{ role: 'user', parts: [{ type: 'text', content: SEEDED.question }] }],
      }),
      PROJECT_ID,
      Date.now(),
    ),
  ]);

  // Tokens are scoped to every permission the code knows, so the role alone decides.
  for (const role of DOC.roles) {
    if (!isRole(role)) continue; // the matrix test below reports the unknown role
    roleTokens.set(role, await newToken({ createdBy: await newMember(role), scopes: PERMISSIONS }));
  }
  const admin = await newMember('admin');
  for (const permission of PERMISSIONS) {
    tokensWithout.set(
      permission,
      await newToken({
        createdBy: admin,
        scopes: PERMISSIONS.filter((scope) => scope !== permission),
      }),
    );
  }
  // An admin of both projects, calling this one with the other's token.
  await plane.memberships.putMembership(OTHER_PROJECT_ID, admin, 'admin');
  otherProjectToken = await newToken({
    projectId: OTHER_PROJECT_ID,
    createdBy: admin,
    scopes: PERMISSIONS,
  });
  // A token whose creator has since been removed from the project.
  const leaver = await newMember('admin');
  leaverToken = await newToken({ createdBy: leaver, scopes: PERMISSIONS });
  await plane.memberships.removeMembership(PROJECT_ID, leaver);
});

afterAll(async () => {
  await (await getClickHouseClient().catch(() => undefined))?.close();
  await clickhouse?.close();
  await store?.close();
  await plane?.close();
  vi.unstubAllEnvs();
});

// ---------------------------------------------------------------------------------------------
// The tests

describe('the documented matrix (docs/security.md)', () => {
  it('names the roles and permissions the code knows', () => {
    expect([...DOC.roles].sort()).toEqual([...ROLES].sort());
    expect([...DOC.permissions].sort()).toEqual([...PERMISSIONS].sort());
  });

  it('is the matrix `can` implements, cell by cell', () => {
    const differences = DOC.roles.flatMap((role) =>
      DOC.permissions.flatMap((permission) => {
        const documented = docAllows(role, permission);
        const enforced = isRole(role) && isPermission(permission) && can(role, permission);
        return documented === enforced ? [] : [`${role} ${permission}: doc ${documented}`];
      }),
    );
    expect(differences).toEqual([]);
  });
});

describe('route files under web/app/api/v1', () => {
  it('export only handlers of registered operations, or the public OpenAPI document', () => {
    const unregistered = ROUTE_EXPORTS.filter(
      (route) =>
        !OPERATIONS.some(
          (operation) => operation.method === route.method && operation.path === route.path,
        ),
    ).map((route) => `${route.method} ${route.path}`);

    expect(unregistered).toEqual(PUBLIC_ROUTES);
    expect(ROUTE_EXPORTS.every((route) => typeof route.handler === 'function')).toBe(true);
  });

  it('need the permission the doc describes, or none outside a project', () => {
    const needed = Object.fromEntries(OPERATIONS.map((op) => [op.id, op.permission]));
    const documented = Object.fromEntries(
      OPERATIONS.map((op) => [op.id, DOCUMENTED_PERMISSION_OF[op.id] ?? null]),
    );

    expect(needed).toEqual(documented);
    expect(Object.keys(DOCUMENTED_PERMISSION_OF).filter((id) => !(id in needed))).toEqual([]);
  });

  it('serve every registered operation exactly once, each with a request in this test', () => {
    const servedTimes = OPERATIONS.map((operation) => ({
      id: operation.id,
      routes: ROUTE_EXPORTS.filter(
        (route) => route.method === operation.method && route.path === operation.path,
      ).length,
      request: operation.id in REQUEST_FOR,
    }));

    expect(servedTimes.filter(({ routes, request }) => routes !== 1 || !request)).toEqual([]);
    expect(ROUTED).toHaveLength(OPERATIONS.length);
  });

  it('serve the OpenAPI document without credentials', async () => {
    const route = ROUTE_EXPORTS.find((candidate) => candidate.path === '/api/v1/openapi.json')!;
    const response = await route.handler(
      new Request(`${ORIGIN}/api/v1/openapi.json`, { headers: { host: '127.0.0.1:3000' } }),
      { params: Promise.resolve({}) },
    );

    expect(response.status).toBe(200);
  });
});

describe.each(PROJECT_ROUTED.map((routed) => [routed.operation.id, routed] as const))(
  '%s',
  (id, routed) => {
    // The doc's permission; the test above reports an operation that needs another.
    const permission = DOCUMENTED_PERMISSION_OF[id] ?? String(routed.operation.permission);
    const success = routed.operation.successStatus ?? 200;

    it.each(DOC.roles.map((role) => [role, docAllows(role, permission)] as const))(
      'a token of a member whose role is %s (the doc allows it: %s)',
      async (role, allowed) => {
        const token = roleTokens.get(role);
        expect(token, `no member for the documented role ${role}`).toBeDefined();

        const result = await call(routed, await REQUEST_FOR[id]!(), { bearer: token! });

        if (allowed) {
          expect(result.status, describeResult(result)).toBe(success);
        } else {
          expect(result.status, describeResult(result)).toBe(403);
          expect(result.body.error.code).toBe('FORBIDDEN');
          expect(result.body.error.message).toContain(permission);
        }
      },
    );

    it(`an admin token whose scopes lack ${permission} gets 403`, async () => {
      const result = await call(routed, await REQUEST_FOR[id]!(), {
        bearer: tokensWithout.get(permission)!,
      });

      expect(result.status, describeResult(result)).toBe(403);
      expect(result.body.error.code).toBe('FORBIDDEN');
      expect(result.body.error.message).toContain(permission);
    });

    it('a token of another project gets 404, though its creator is admin of both', async () => {
      const result = await call(routed, await REQUEST_FOR[id]!(), { bearer: otherProjectToken });

      expect(result.status, describeResult(result)).toBe(404);
      expect(result.body.error.code).toBe('NOT_FOUND');
    });

    it('a token whose creator left the project gets 404', async () => {
      const result = await call(routed, await REQUEST_FOR[id]!(), { bearer: leaverToken });

      expect(result.status, describeResult(result)).toBe(404);
      expect(result.body.error.code).toBe('NOT_FOUND');
    });

    it('no credentials, or an unknown token, get 401', async () => {
      const spec = await REQUEST_FOR[id]!();
      const unknownToken = `slt_${hex(12)}_${'x'.repeat(32)}`;

      const results = [
        await call(routed, spec),
        await call(routed, spec, { bearer: unknownToken }),
      ];

      expect(results.map((result) => [result.status, result.body?.error?.code])).toEqual([
        [401, 'UNAUTHENTICATED'],
        [401, 'UNAUTHENTICATED'],
      ]);
    });
  },
);

describe.each(PRINCIPAL_ROUTED.map((routed) => [routed.operation.id, routed] as const))(
  '%s (no project: any authenticated principal)',
  (id, routed) => {
    it('no credentials get 401', async () => {
      const result = await call(routed, await REQUEST_FOR[id]!());

      expect(result.status, describeResult(result)).toBe(401);
    });
  },
);

describe('principal operations, called with a token of each documented role', () => {
  it.each(DOC.roles)('getMe lists the token’s own project only, as %s', async (role) => {
    const routed = PRINCIPAL_ROUTED.find(({ operation }) => operation.id === 'getMe')!;

    const result = await call(routed, {}, { bearer: roleTokens.get(role)! });

    expect(result.status, describeResult(result)).toBe(200);
    expect(result.body.projects).toEqual([{ projectId: PROJECT_ID, role }]);
  });

  it.each(DOC.roles)('changePassword refuses an API token (403), as %s', async (role) => {
    const routed = PRINCIPAL_ROUTED.find(({ operation }) => operation.id === 'changePassword')!;

    const result = await call(routed, await REQUEST_FOR.changePassword!(), {
      bearer: roleTokens.get(role)!,
    });

    expect(result.status, describeResult(result)).toBe(403);
    expect(result.body.error.code).toBe('FORBIDDEN');
  });
});

describe('traces:read_content, enforced inside the trace reads', () => {
  const routedById = (id: string) => ROUTED.find(({ operation }) => operation.id === id)!;
  const callers = [
    ...DOC.roles.map((role) => ({
      caller: role,
      token: () => roleTokens.get(role)!,
      content: docAllows(role, 'traces:read_content'),
    })),
    {
      caller: 'admin token without traces:read_content',
      token: () => tokensWithout.get('traces:read_content')!,
      content: false,
    },
  ];

  it.each(callers)('$caller sees message text: $content', async ({ token, content }) => {
    const bearer = token();
    const trace = await call(routedById('getTrace'), await REQUEST_FOR.getTrace!(), { bearer });
    const lists = await Promise.all(
      ['listTraces', 'getUserTraces', 'getSession'].map(async (id) =>
        call(routedById(id), await REQUEST_FOR[id]!(), { bearer }),
      ),
    );
    const search = await call(
      routedById('listTraces'),
      { query: { text: 'matrix', textMode: 'substring' } },
      { bearer },
    );

    expect(trace.status, describeResult(trace)).toBe(200);
    expect(trace.body.contentHidden).toBe(!content);
    expect(JSON.stringify(trace.body.spans).includes(SEEDED.question)).toBe(content);
    expect(lists.map((list) => [list.status, list.body.contentHidden])).toEqual(
      lists.map(() => [200, !content]),
    );
    expect(search.status, describeResult(search)).toBe(content ? 200 : 403);
  });
});

describe('the served OpenAPI document', () => {
  it('states each operation’s permission as the operation does, from the documented set', async () => {
    const route = ROUTE_EXPORTS.find((candidate) => candidate.path === '/api/v1/openapi.json')!;
    const response = await route.handler(
      new Request(`${ORIGIN}/api/v1/openapi.json`, { headers: { host: '127.0.0.1:3000' } }),
      { params: Promise.resolve({}) },
    );
    const document: Json = await response.json();

    const stated = OPERATIONS.map((operation) => {
      const entry = document.paths[operation.path]?.[operation.method.toLowerCase()];
      return {
        id: operation.id,
        permission: entry?.['x-sightline-permission'] ?? null,
        refusals: Object.keys(entry?.responses ?? {}).filter((status) =>
          ['401', '403', '404'].includes(status),
        ),
      };
    });

    expect(stated).toEqual(
      OPERATIONS.map((operation) => ({
        id: operation.id,
        permission: operation.permission,
        refusals: operation.permission ? ['401', '403', '404'] : ['401', '403'],
      })),
    );
    for (const { permission } of stated) {
      if (permission !== null) expect(DOC.permissions).toContain(permission);
    }
  });
});

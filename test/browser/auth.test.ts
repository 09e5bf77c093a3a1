/**
 * Sign-in, roles and tokens in a real browser against a real local stack: the generated admin
 * signs in, adds people with each role, and every role sees and may do exactly what the
 * permission matrix says — on the pages, and on the server when asked directly.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { createDynamoDocumentClient } from '../../functions/aws/awsClients.ts';
import { parseServerEnv } from '../../functions/config/env.ts';
import { findUserByEmail } from '../../functions/control/authUsers.ts';
import { AuthRecordStore } from '../../functions/control/authRecordStore.ts';
import {
  adminCredentialsFrom,
  attemptSignIn,
  launchBrowser,
  screenshot,
  signIn,
} from '../helpers/browser.ts';
import { grantProject } from '../helpers/controlPlane.ts';
import { replaceTemporaryPassword, signInForCookie } from '../helpers/webSession.ts';
import { startStackProcess, type StackProcess } from '../helpers/localStackProcess.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary JSON bodies
type Json = any;

const ROLES = ['admin', 'engineer', 'oncall', 'auditor', 'viewer'] as const;
type Role = (typeof ROLES)[number];
const OTHER_PROJECT = 'beta-project';

let home: string;
let stack: StackProcess;
let baseUrl: string;
let browser: Browser;
let admin: { email: string; password: string };
let adminContext: BrowserContext;
const people = new Map<Role, { email: string; password: string }>();
const contexts: BrowserContext[] = [];

/** JSON API call from a signed-in browser context, as the app's own pages make it. */
async function api(
  context: BrowserContext,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  pathname: string,
  body?: unknown,
) {
  const response = await context.request.fetch(`${baseUrl}${pathname}`, {
    method,
    headers: {
      origin: baseUrl,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { data: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status(),
    json: text ? (JSON.parse(text) as Json) : null,
  };
}

async function signedIn(credentials: { email: string; password: string }, next = '/') {
  const user = await signIn(browser, baseUrl, credentials, next);
  contexts.push(user.context);
  return user;
}

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'sightline-auth-'));
  // Every sign-in of this file comes from 127.0.0.1; the per-address limit is not under test.
  stack = await startStackProcess(home, ['--no-demo'], {
    env: { SIGHTLINE_SIGN_IN_MAX_ATTEMPTS_PER_ADDRESS: '1000' },
  });
  baseUrl = stack.info.web!.url;
  admin = adminCredentialsFrom(stack.output());
  browser = await launchBrowser();
  adminContext = (await signedIn(admin)).context;
  for (const role of ROLES) {
    const email = `${role}-user@example.com`;
    const added = await api(adminContext, 'POST', '/api/v1/projects/demo/members', { email, role });
    expect(added.status).toBe(201);
    const temporary = { email, password: added.json!.temporaryPassword };
    // The viewer only serves the password-guessing test, which needs its sign-in count at zero.
    people.set(
      role,
      role === 'viewer' ? temporary : await replaceTemporaryPassword(baseUrl, temporary),
    );
  }
  // A second project the demo admin is no member of, administered by the engineer.
  const env = parseServerEnv({ AWS_ENDPOINT_URL_DYNAMODB: stack.info.dynamodb.endpoint });
  const documents = createDynamoDocumentClient(env);
  const engineer = await findUserByEmail(
    new AuthRecordStore(documents, env.SIGHTLINE_AUTH_TABLE),
    people.get('engineer')!.email,
  );
  documents.destroy();
  await grantProject(
    stack.info.dynamodb.endpoint,
    { projectId: OTHER_PROJECT, name: 'Beta', retentionDays: 30 },
    engineer!.id,
    'admin',
  );
}, 600_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await stack?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('sign-in', () => {
  it('sends a signed-out visitor to /sign-in and back to the page after signing in', async () => {
    const context = await browser.newContext({ baseURL: baseUrl });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/projects/demo/settings/members');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await screenshot(page, 'sign-in');
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL('**/projects/demo/settings/members');
    await expect(page.getByRole('heading', { name: 'Members' }).isVisible()).resolves.toBe(true);
  });

  it('refuses a wrong password', async () => {
    const page = await (await browser.newContext({ baseURL: baseUrl })).newPage();
    contexts.push(page.context());
    const message = await attemptSignIn(page, { email: admin.email, password: 'not-the-password' });
    expect(message).toContain('Wrong email or password');
    expect((await page.context().cookies()).map((c) => c.name)).not.toContain(
      'better-auth.session_token',
    );
  });

  it('stops password guessing on one account: the limit holds even for the right password', async () => {
    const target = people.get('viewer')!;
    const page = await (await browser.newContext({ baseURL: baseUrl })).newPage();
    contexts.push(page.context());
    const messages: string[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      messages.push(
        await attemptSignIn(page, { email: target.email, password: `guess-${attempt}-xxxxxx` }),
      );
    }
    const afterLimit = await attemptSignIn(page, target);
    expect(messages.every((message) => message.includes('Wrong email or password'))).toBe(true);
    expect(afterLimit).toContain('Too many sign-in attempts');
  });

  it('issues an httpOnly, SameSite session cookie', async () => {
    const cookie = (await adminContext.cookies()).find(
      (c) => c.name === 'better-auth.session_token',
    );
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  });
});

describe('roles', () => {
  describe.each(ROLES.filter((role) => role !== 'viewer'))('%s', (role) => {
    it('sees and may use the admin settings exactly when the matrix says so', async () => {
      const { context, page } = await signedIn(people.get(role)!, '/projects/demo/overview');
      const isAdmin = role === 'admin';
      const settingsLink = page
        .getByRole('navigation', { name: 'Project' })
        .getByRole('link', { name: 'Settings' });
      expect(await settingsLink.count()).toBe(isAdmin ? 1 : 0);
      for (const section of ['members', 'ingest-keys', 'api-tokens']) {
        const response = await page.goto(`/projects/demo/settings/${section}`);
        expect(response?.status()).toBe(isAdmin ? 200 : 403);
        const listed = await api(context, 'GET', `/api/v1/projects/demo/${section}`);
        expect(listed.status).toBe(isAdmin ? 200 : 403);
        if (!isAdmin) expect(listed.json?.error.code).toBe('FORBIDDEN');
      }
      const me = await api(context, 'GET', '/api/v1/me');
      expect(me.json?.projects).toContainEqual({ projectId: 'demo', role });
    });
  });

  it('viewer: admin pages are hidden, and asking the admin API directly is refused with 403 JSON', async () => {
    // The viewer's own password guesses above hit the per-email limit; a fresh viewer is used.
    const added = await api(adminContext, 'POST', '/api/v1/projects/demo/members', {
      email: 'second-viewer@example.com',
      role: 'viewer',
    });
    const { context, page } = await signedIn(
      await replaceTemporaryPassword(baseUrl, {
        email: 'second-viewer@example.com',
        password: added.json!.temporaryPassword,
      }),
      '/projects/demo/overview',
    );
    expect(await page.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    expect((await page.goto('/projects/demo/settings/members'))?.status()).toBe(403);
    const attempts = [
      await api(context, 'GET', '/api/v1/projects/demo/members'),
      await api(context, 'POST', '/api/v1/projects/demo/members', {
        email: 'x@example.com',
        role: 'admin',
      }),
      await api(context, 'POST', '/api/v1/projects/demo/ingest-keys'),
      await api(context, 'POST', '/api/v1/projects/demo/api-tokens', {
        name: 't',
        scopes: ['traces:read'],
        expiresInDays: 1,
      }),
    ];
    expect(attempts.map((a) => [a.status, a.json?.error.code])).toEqual(
      Array(4).fill([403, 'FORBIDDEN']),
    );
  });
});

describe('admin settings', () => {
  it('adds a member, changes the role and removes them', async () => {
    const page = await adminContext.newPage();
    await page.goto('/projects/demo/settings/members');
    await page.getByLabel('Email').fill('newcomer@example.com');
    await page
      .getByRole('form', { name: 'Add member' })
      .locator('select[name="role"]')
      .selectOption('oncall');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByTestId('secret-value').waitFor();
    const row = page.locator('tr[data-email="newcomer@example.com"]');
    await row.waitFor();
    await row.getByRole('combobox').selectOption('auditor');
    await expect
      .poll(
        async () =>
          (await api(adminContext, 'GET', '/api/v1/projects/demo/members')).json?.members.find(
            (m: { email: string }) => m.email === 'newcomer@example.com',
          )?.role,
      )
      .toBe('auditor');
    // The page shows the stored role once it has refreshed.
    await expect.poll(() => row.getByRole('combobox').inputValue()).toBe('auditor');
    await screenshot(page, 'settings-members');
    await row.getByRole('button', { name: 'Remove' }).click();
    await row.waitFor({ state: 'detached' });
    const members = (await api(adminContext, 'GET', '/api/v1/projects/demo/members')).json?.members;
    expect(members.map((m: { email: string }) => m.email)).not.toContain('newcomer@example.com');
  });

  it('never leaves a project without an admin', async () => {
    const me = await api(adminContext, 'GET', '/api/v1/me');
    // The admin role member added above is another admin; remove them first.
    const members = (await api(adminContext, 'GET', '/api/v1/projects/demo/members')).json!
      .members as Array<{ userId: string; role: string }>;
    for (const member of members.filter(
      (m) => m.role === 'admin' && m.userId !== me.json!.userId,
    )) {
      await api(adminContext, 'PATCH', `/api/v1/projects/demo/members/${member.userId}`, {
        role: 'engineer',
      });
    }
    const demotion = await api(
      adminContext,
      'PATCH',
      `/api/v1/projects/demo/members/${me.json!.userId}`,
      { role: 'viewer' },
    );
    expect(demotion.status).toBe(409);
    expect(demotion.json?.error.code).toBe('CONFLICT');
  });

  it('creates, rotates and revokes ingest keys, showing each secret once', async () => {
    const page = await adminContext.newPage();
    await page.goto('/projects/demo/settings/ingest-keys');
    await page.getByRole('button', { name: 'Create ingest key' }).click();
    const secret = await page.getByTestId('secret-value').textContent();
    expect(secret?.length).toBeGreaterThanOrEqual(32);
    await expect.poll(() => page.locator('tr[data-key-id]').count()).toBe(2);
    await screenshot(page, 'settings-ingest-keys');
    const listed = await api(adminContext, 'GET', '/api/v1/projects/demo/ingest-keys');
    expect(JSON.stringify(listed.json)).not.toContain(secret!);
    const created = listed.json!.keys.find((k: { keyId: string }) => k.keyId !== 'ik_demo_local');
    const rotated = await api(
      adminContext,
      'POST',
      `/api/v1/projects/demo/ingest-keys/${created.keyId}/rotate`,
    );
    expect(rotated.status).toBe(201);
    const revoked = await api(
      adminContext,
      'DELETE',
      `/api/v1/projects/demo/ingest-keys/${rotated.json!.key.keyId}`,
    );
    expect(revoked.status).toBe(204);
    const after = (await api(adminContext, 'GET', '/api/v1/projects/demo/ingest-keys')).json!
      .keys as Array<{ keyId: string; status: string }>;
    expect(after.find((k) => k.keyId === created.keyId)?.status).toBe('revoked');
    expect(after.find((k) => k.keyId === rotated.json!.key.keyId)?.status).toBe('revoked');
  });
});

describe('API tokens', () => {
  it('a token scoped to traces:read reads traces but cannot manage members, nor reach another project', async () => {
    const page = await adminContext.newPage();
    await page.goto('/projects/demo/settings/api-tokens');
    await page.getByLabel('Name').fill('trace reader');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('secret-value').textContent())!;
    await page.locator('tr[data-token-id]', { hasText: 'trace reader' }).waitFor();
    await screenshot(page, 'settings-api-tokens');
    const call = (method: string, pathname: string, body?: unknown) =>
      fetch(`${baseUrl}${pathname}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    expect(token).toMatch(/^slt_[A-Za-z0-9]+_[\w-]+$/);
    expect((await call('GET', '/api/v1/projects/demo/traces')).status).toBe(200);
    const members = await call('GET', '/api/v1/projects/demo/members');
    expect([members.status, ((await members.json()) as Json).error.code]).toEqual([
      403,
      'FORBIDDEN',
    ]);
    expect(
      (await call('POST', '/api/v1/projects/demo/members', { email: 'a@b.co', role: 'admin' }))
        .status,
    ).toBe(403);
    expect((await call('GET', `/api/v1/projects/${OTHER_PROJECT}/traces`)).status).toBe(404);

    const tokens = (await api(adminContext, 'GET', '/api/v1/projects/demo/api-tokens')).json!
      .tokens;
    const id = tokens.find((t: { name: string }) => t.name === 'trace reader').tokenId;
    // The token was verified (and cached by the web process) just before: revoking clears it.
    expect(
      (await api(adminContext, 'DELETE', `/api/v1/projects/demo/api-tokens/${id}`)).status,
    ).toBe(204);
    const afterRevoke = await call('GET', '/api/v1/projects/demo/traces');
    expect([afterRevoke.status, ((await afterRevoke.json()) as Json).error.code]).toEqual([
      401,
      'UNAUTHENTICATED',
    ]);
  });

  it('a token follows its creator at once: narrowed when they are demoted, ended when removed', async () => {
    // Each call below comes right after one that verified the token and read the creator's
    // role, so the web process has both cached: the change must clear them, not wait them out.
    const added = await api(adminContext, 'POST', '/api/v1/projects/demo/members', {
      email: 'token-owner@example.com',
      role: 'admin',
    });
    expect(added.status).toBe(201);
    const ownerId = added.json!.member.userId as string;
    const cookie = await signInForCookie(
      baseUrl,
      await replaceTemporaryPassword(baseUrl, {
        email: 'token-owner@example.com',
        password: added.json!.temporaryPassword,
      }),
    );
    const minted = await fetch(`${baseUrl}/api/v1/projects/demo/api-tokens`, {
      method: 'POST',
      headers: { cookie, origin: baseUrl, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'owner token',
        scopes: ['api_tokens:manage', 'traces:read'],
        expiresInDays: 1,
      }),
    });
    const token = ((await minted.json()) as Json).token as string;
    const status = async (pathname: string) =>
      (await fetch(`${baseUrl}${pathname}`, { headers: { authorization: `Bearer ${token}` } }))
        .status;
    const asAdmin = [
      await status('/api/v1/projects/demo/api-tokens'),
      await status('/api/v1/projects/demo/traces'),
    ];

    await api(adminContext, 'PATCH', `/api/v1/projects/demo/members/${ownerId}`, {
      role: 'viewer',
    });
    const asViewer = [
      await status('/api/v1/projects/demo/api-tokens'),
      await status('/api/v1/projects/demo/traces'),
    ];
    await api(adminContext, 'DELETE', `/api/v1/projects/demo/members/${ownerId}`);
    const asNonMember = await status('/api/v1/projects/demo/traces');

    expect(minted.status).toBe(201);
    expect(asAdmin).toEqual([200, 200]);
    expect(asViewer).toEqual([403, 200]);
    expect(asNonMember).toBe(404);
  });

  it('a token cannot hand out permissions it does not hold, and bad input is a 400 with issues', async () => {
    const engineer = await signedIn(
      people.get('engineer')!,
      `/projects/${OTHER_PROJECT}/settings/api-tokens`,
    );
    const tokensPath = `/api/v1/projects/${OTHER_PROJECT}/api-tokens`;
    const minted = await api(engineer.context, 'POST', tokensPath, {
      name: 'token minter',
      scopes: ['api_tokens:manage', 'traces:read'],
      expiresInDays: 1,
    });
    expect(minted.status).toBe(201);
    const withToken = (body: unknown) =>
      fetch(`${baseUrl}${tokensPath}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${minted.json!.token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });

    const beyond = await withToken({
      name: 'escalation',
      scopes: ['members:manage'],
      expiresInDays: 1,
    });
    const within = await withToken({ name: 'narrower', scopes: ['traces:read'], expiresInDays: 1 });
    const invalid = await api(engineer.context, 'POST', tokensPath, {
      name: '',
      scopes: ['no:such'],
      expiresInDays: 0,
    });

    expect([beyond.status, ((await beyond.json()) as Json).error.code]).toEqual([403, 'FORBIDDEN']);
    expect(within.status).toBe(201);
    expect(invalid.status).toBe(400);
    expect(invalid.json?.error.code).toBe('INVALID_REQUEST');
    expect(invalid.json?.error.issues.map((i: { path: string[] }) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['body.name', 'body.scopes.0', 'body.expiresInDays']),
    );
  });
});

describe('project isolation', () => {
  it('a member of one project gets 404 for another project’s pages and APIs', async () => {
    for (const pathname of [
      `/projects/${OTHER_PROJECT}/overview`,
      `/projects/${OTHER_PROJECT}/settings/members`,
      '/projects/no-such-project/overview',
    ]) {
      const page = await adminContext.newPage();
      expect((await page.goto(pathname))?.status(), pathname).toBe(404);
      await page.close();
    }
    for (const pathname of [
      `/api/v1/projects/${OTHER_PROJECT}/members`,
      `/api/v1/projects/${OTHER_PROJECT}/traces`,
    ]) {
      const response = await api(adminContext, 'GET', pathname);
      expect([response.status, response.json?.error.code], pathname).toEqual([404, 'NOT_FOUND']);
    }
    // The project exists: its own admin reaches it.
    const engineer = await signedIn(
      people.get('engineer')!,
      `/projects/${OTHER_PROJECT}/settings/members`,
    );
    expect(new URL(engineer.page.url()).pathname).toBe(
      `/projects/${OTHER_PROJECT}/settings/members`,
    );
  });
});

describe('CSRF', () => {
  let evil: Server;
  let evilUrl: string;

  beforeAll(async () => {
    // Another site on another port of the same host: same-site, so the Lax cookie is sent.
    evil = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html');
      response.end(`<form id="f" method="post" action="${baseUrl}/api/v1/projects/demo/ingest-keys"></form>
        <form id="g" method="post" action="${baseUrl}/api/auth/revoke-sessions" enctype="text/plain"><input name="{}" value=""></form>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await new Promise((resolve) => evil.close(resolve));
  });

  it('refuses a cross-origin POST that carries the session cookie', async () => {
    const keysBefore = (await api(adminContext, 'GET', '/api/v1/projects/demo/ingest-keys')).json!
      .keys.length;
    const page = await adminContext.newPage();
    await page.goto(evilUrl);
    const [response] = await Promise.all([
      page.waitForNavigation(),
      page.evaluate(() => (document.getElementById('f') as HTMLFormElement).submit()),
    ]);
    expect(response?.status()).toBe(403);
    expect(await page.textContent('body')).toContain('FORBIDDEN');
    const keysAfter = (await api(adminContext, 'GET', '/api/v1/projects/demo/ingest-keys')).json!
      .keys.length;
    expect(keysAfter).toBe(keysBefore);

    await page.goto(evilUrl);
    const [authResponse] = await Promise.all([
      page.waitForNavigation(),
      page.evaluate(() => (document.getElementById('g') as HTMLFormElement).submit()),
    ]);
    expect(authResponse?.status()).toBe(403);
    expect((await api(adminContext, 'GET', '/api/v1/me')).status).toBe(200);
  });
});

describe('sign out', () => {
  it('signing out everywhere ends the sessions of every browser', async () => {
    const auditor = people.get('auditor')!;
    const first = await signedIn(auditor, '/projects/demo/overview');
    const second = await signedIn(auditor, '/projects/demo/overview');
    expect((await api(second.context, 'GET', '/api/v1/me')).status).toBe(200);

    await first.page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await first.page.waitForURL('**/sign-in');

    expect((await api(second.context, 'GET', '/api/v1/me')).status).toBe(401);
    await second.page.goto('/projects/demo/overview');
    expect(new URL(second.page.url()).pathname).toBe('/sign-in');
  });

  it('signing out ends only this browser’s session', async () => {
    const oncall = people.get('oncall')!;
    const first = await signedIn(oncall, '/projects/demo/overview');
    const second = await signedIn(oncall, '/projects/demo/overview');
    await first.page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await first.page.waitForURL('**/sign-in');
    expect((await api(first.context, 'GET', '/api/v1/me')).status).toBe(401);
    expect((await api(second.context, 'GET', '/api/v1/me')).status).toBe(200);
  });
});

describe('OpenAPI document', () => {
  it('is served without sign-in and documents the admin operations with their permissions', async () => {
    const response = await fetch(`${baseUrl}/api/v1/openapi.json`);
    const document = (await response.json()) as Json;
    expect(response.status).toBe(200);
    expect(document.openapi).toBe('3.1.0');
    expect(document.paths['/api/v1/projects/{projectId}/members'].post).toMatchObject({
      operationId: 'addMember',
      'x-sightline-permission': 'members:manage',
    });
    expect(Object.keys(document.components.securitySchemes)).toEqual(['apiToken', 'sessionCookie']);
  });

  it('answers a signed-out API request with 401 JSON', async () => {
    const response = await fetch(`${baseUrl}/api/v1/projects/demo/members`);
    expect([response.status, ((await response.json()) as Json).error.code]).toEqual([
      401,
      'UNAUTHENTICATED',
    ]);
  });
});

/**
 * Temporary passwords against a real local stack (the real Next.js server): a person an admin
 * adds signs in with the password the admin was shown, can do nothing but set a new one — over
 * HTTP and in Chromium — and after setting it works normally while the temporary password and
 * every session opened with it stop working.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { adminCredentialsFrom, attemptSignIn, launchBrowser, signIn } from '../helpers/browser.ts';
import { signInForCookie } from '../helpers/webSession.ts';
import { startStackProcess, type StackProcess } from '../helpers/localStackProcess.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary JSON bodies
type Json = any;

let home: string;
let stack: StackProcess;
let baseUrl: string;
let browser: Browser;
let admin: { email: string; password: string };
let adminCookie: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'sightline-temporary-password-'));
  stack = await startStackProcess(home, ['--no-demo'], {
    env: { SIGHTLINE_SIGN_IN_MAX_ATTEMPTS_PER_ADDRESS: '1000' },
  });
  baseUrl = stack.info.web!.url;
  admin = adminCredentialsFrom(stack.output());
  adminCookie = await signInForCookie(baseUrl, admin);
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await stack?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** A request with a session cookie, as the app's own pages make it (same origin). */
async function http(
  cookie: string,
  method: string,
  pathname: string,
  body?: unknown,
): Promise<{ status: number; json: Json; response: Response }> {
  const response = await fetch(`${baseUrl}${pathname}`, {
    method,
    redirect: 'manual',
    headers: {
      cookie,
      origin: baseUrl,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: Json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // A page, not JSON.
  }
  return { status: response.status, json, response };
}

async function addMember(email: string, role: string): Promise<string> {
  const added = await http(adminCookie, 'POST', '/api/v1/projects/demo/members', { email, role });
  expect(added.status).toBe(201);
  return added.json.temporaryPassword as string;
}

const cookieOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .join('; ');

describe('over HTTP', () => {
  const email = 'http-newcomer@example.com';
  let temporaryPassword: string;
  let temporaryCookie: string;

  beforeAll(async () => {
    temporaryPassword = await addMember(email, 'engineer');
    temporaryCookie = await signInForCookie(baseUrl, { email, password: temporaryPassword });
  });

  it('a session signed in with the temporary password reads /api/v1/me, and every other route answers 403 PASSWORD_CHANGE_REQUIRED', async () => {
    const me = await http(temporaryCookie, 'GET', '/api/v1/me');
    const refused = [
      await http(temporaryCookie, 'GET', '/api/v1/projects/demo/traces'),
      await http(temporaryCookie, 'GET', '/api/v1/projects/demo/metrics/summary'),
      await http(temporaryCookie, 'POST', '/api/v1/projects/demo/api-tokens', {
        name: 'mine',
        scopes: ['traces:read'],
        expiresInDays: 30,
      }),
    ];

    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ email, passwordChangeRequired: true });
    expect(refused.map((answer) => [answer.status, answer.json?.error.code])).toEqual(
      Array(3).fill([403, 'PASSWORD_CHANGE_REQUIRED']),
    );
  });

  it.each([
    '/',
    '/projects/demo/overview',
    '/projects/demo/traces',
    '/projects/demo/settings/members',
  ])('the page %s sends that session to /change-password and back afterwards', async (pathname) => {
    const page = await http(temporaryCookie, 'GET', pathname);

    expect(page.status).toBe(307);
    const location = new URL(page.response.headers.get('location')!, baseUrl);
    expect(location.pathname).toBe('/change-password');
    expect(location.searchParams.get('next')).toBe(pathname);
  });

  it('documents the change-password operation and the PASSWORD_CHANGE_REQUIRED answer', async () => {
    const document = (await (await fetch(`${baseUrl}/api/v1/openapi.json`)).json()) as Json;

    expect(document.paths['/api/v1/me/password'].post).toMatchObject({
      operationId: 'changePassword',
      requestBody: expect.anything(),
    });
    expect(
      document.paths['/api/v1/projects/{projectId}/traces'].get.responses['403'].description,
    ).toContain('PASSWORD_CHANGE_REQUIRED');
  });

  it('setting a new password ends the temporary session and the temporary password, and the new session works', async () => {
    const earlier = await signInForCookie(baseUrl, { email, password: temporaryPassword });
    const newPassword = 'http newcomer chose this';

    const changed = await http(temporaryCookie, 'POST', '/api/v1/me/password', {
      currentPassword: temporaryPassword,
      newPassword,
    });
    const replacement = cookieOf(changed.response);

    expect(changed.status).toBe(204);
    expect(
      changed.response.headers.getSetCookie().filter((c) => c.includes('session_token=')),
    ).toHaveLength(1);
    expect((await http(temporaryCookie, 'GET', '/api/v1/me')).status).toBe(401);
    expect((await http(earlier, 'GET', '/api/v1/me')).status).toBe(401);
    expect((await http(replacement, 'GET', '/api/v1/me')).json).toMatchObject({
      passwordChangeRequired: false,
      projects: [{ projectId: 'demo', role: 'engineer' }],
    });
    expect((await http(replacement, 'GET', '/api/v1/projects/demo/traces')).status).toBe(200);
    expect((await http(replacement, 'GET', '/projects/demo/overview')).status).toBe(200);
    await expect(signInForCookie(baseUrl, { email, password: temporaryPassword })).rejects.toThrow(
      /401/,
    );
    await expect(signInForCookie(baseUrl, { email, password: newPassword })).resolves.toContain(
      'session_token',
    );
  });
});

describe('in Chromium', () => {
  const email = 'browser-newcomer@example.com';
  const newPassword = 'browser newcomer chose this';

  it('an admin adds a member, who signs in with the temporary password and must set a new one before anything else', async () => {
    const adminUser = await signIn(browser, baseUrl, admin, '/projects/demo/settings/members');
    contexts.push(adminUser.context);
    await adminUser.page.getByLabel('Email').fill(email);
    await adminUser.page
      .getByRole('form', { name: 'Add member' })
      .locator('select[name="role"]')
      .selectOption('engineer');
    await adminUser.page.getByRole('button', { name: 'Add member' }).click();
    const temporaryPassword = (await adminUser.page.getByTestId('secret-value').textContent())!;

    const member = await signIn(
      browser,
      baseUrl,
      { email, password: temporaryPassword },
      '/projects/demo/traces',
    );
    contexts.push(member.context);
    const { page, context } = member;
    expect(new URL(page.url()).pathname).toBe('/change-password');
    await expect(
      page.getByRole('heading', { name: 'Set a new password' }).isVisible(),
    ).resolves.toBe(true);

    await page.goto('/projects/demo/traces');
    expect(new URL(page.url()).pathname).toBe('/change-password');
    const apiBefore = await context.request.get('/api/v1/projects/demo/traces');
    expect([apiBefore.status(), (await apiBefore.json()).error.code]).toEqual([
      403,
      'PASSWORD_CHANGE_REQUIRED',
    ]);

    await page.getByLabel('Current password').fill(temporaryPassword);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Confirm new password').fill(`${newPassword} typo`);
    await page.getByRole('button', { name: 'Set new password' }).click();
    const mismatch = page.locator('.form-error[role="alert"]');
    await mismatch.waitFor();
    expect(await mismatch.textContent()).toContain('do not match');

    await page.getByLabel('Confirm new password').fill(newPassword);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.waitForURL('**/projects/demo/traces');
    await expect(
      page.getByRole('heading', { name: 'Traces', exact: true }).isVisible(),
    ).resolves.toBe(true);
    expect((await context.request.get('/api/v1/projects/demo/traces')).status()).toBe(200);

    const stranger = await (await browser.newContext({ baseURL: baseUrl })).newPage();
    contexts.push(stranger.context());
    expect(await attemptSignIn(stranger, { email, password: temporaryPassword })).toContain(
      'Wrong email or password',
    );
  });

  it('a signed-in person changes their own password from the header, and stays signed in', async () => {
    const { page, context } = await signIn(
      browser,
      baseUrl,
      { email, password: newPassword },
      '/projects/demo/overview',
    );
    contexts.push(context);
    const another = 'browser newcomer changed it again';

    await page.getByRole('link', { name: 'Change password' }).click();
    await page.waitForURL('**/change-password');
    await page.getByLabel('Current password').fill(newPassword);
    await page.getByLabel('New password', { exact: true }).fill(another);
    await page.getByLabel('Confirm new password').fill(another);
    await page.getByRole('button', { name: 'Change password' }).click();
    const done = page.getByRole('status').filter({ hasText: 'Password changed' });
    await done.waitFor();

    expect((await context.request.get('/api/v1/me')).status()).toBe(200);
    const stranger = await (await browser.newContext({ baseURL: baseUrl })).newPage();
    contexts.push(stranger.context());
    expect(await attemptSignIn(stranger, { email, password: newPassword })).toContain(
      'Wrong email or password',
    );
  });
});

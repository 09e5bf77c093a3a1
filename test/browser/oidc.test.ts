/**
 * Single sign-on end to end: `sightline start` configured with a protocol-level fake OpenID
 * Connect provider, driven through the real sign-in page in Chromium. A good ID token signs a
 * person in (a new account with no project, or the existing account with the same email);
 * forged, misaddressed and expired ID tokens, and callbacks with a foreign state, are refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createDynamoDocumentClient } from '../../functions/aws/awsClients.ts';
import { parseServerEnv } from '../../functions/config/env.ts';
import { AuthRecordStore } from '../../functions/control/authRecordStore.ts';
import { findUserByEmail } from '../../functions/control/authUsers.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startStackProcess, type StackProcess } from '../helpers/localStackProcess.ts';
import { signInForCookie, TEST_ADMIN, testAdminEnv } from '../helpers/webSession.ts';
import {
  startFakeOidcProvider,
  type FakeOidcProvider,
  type IdTokenFault,
  type OidcUser,
} from '../fakes/oidcProvider.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary JSON bodies
type Json = any;

const CLIENT_ID = 'sightline-web-test';
const CLIENT_SECRET = 'fake-oidc-client-secret-0123456789';
const PROVIDER_LABEL = 'Sign in with Example IdP';
const SESSION_COOKIE = 'better-auth.session_token';

let home: string;
let provider: FakeOidcProvider;
let stack: StackProcess;
let baseUrl: string;
let callbackUrl: string;
let browser: Browser;
let authRecords: AuthRecordStore;
let closeDocuments: () => void;
const contexts: BrowserContext[] = [];

const oidcUser = (name: string, overrides: Partial<OidcUser> = {}): OidcUser => ({
  sub: `idp-${name}`,
  email: `${name}@sso.example.com`,
  emailVerified: true,
  name: `SSO ${name}`,
  ...overrides,
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl });
  contexts.push(context);
  return context.newPage();
}

/** Clicks the SSO button on /sign-in and waits for the page the round trip ends on. */
async function signInWithSso(page: Page): Promise<URL> {
  await page.goto('/sign-in');
  const start = page.url();
  await page.getByRole('button', { name: PROVIDER_LABEL }).click();
  await page.waitForURL((url) => url.href !== start);
  await page.waitForLoadState('load');
  return new URL(page.url());
}

async function me(context: BrowserContext) {
  const response = await context.request.get(`${baseUrl}/api/v1/me`);
  return { status: response.status(), json: (await response.json()) as Json };
}

async function sessionCookie(context: BrowserContext) {
  return (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE);
}

/** Requests the provider received since `from` (an index into its log). */
const requestsSince = (from: number) => provider.requests.slice(from);

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'sightline-oidc-'));
  provider = await startFakeOidcProvider({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    user: oidcUser('first'),
  });
  const stackEnv = {
    ...testAdminEnv(),
    SIGHTLINE_OIDC_DISCOVERY_URL: provider.discoveryUrl,
    SIGHTLINE_OIDC_CLIENT_ID: CLIENT_ID,
    SIGHTLINE_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    SIGHTLINE_OIDC_PROVIDER_NAME: PROVIDER_LABEL,
    // Every sign-in of this file comes from 127.0.0.1; the per-address limit is not under test.
    SIGHTLINE_SIGN_IN_MAX_ATTEMPTS_PER_ADDRESS: '1000',
  };
  stack = await startStackProcess(home, ['--no-demo'], { env: stackEnv });
  baseUrl = stack.info.web!.url;
  // SIGHTLINE_WEB_URL is unset: better-auth takes the callback's base from the request, so the
  // registered URI is the one people open.
  callbackUrl = `${baseUrl}/api/auth/oauth2/callback/oidc`;
  provider.registerRedirectUri(callbackUrl);
  // better-auth fixes that base on the first request it serves; this one claims another host
  // and scheme, which must not become the callback (checked by every flow below).
  await fetch(`${baseUrl}/api/auth/get-session`, {
    headers: { 'x-forwarded-host': 'attacker.example', 'x-forwarded-proto': 'https' },
  });
  browser = await launchBrowser();
  const env = parseServerEnv({ AWS_ENDPOINT_URL_DYNAMODB: stack.info.dynamodb.endpoint });
  const documents = createDynamoDocumentClient(env);
  authRecords = new AuthRecordStore(documents, env.SIGHTLINE_AUTH_TABLE);
  closeDocuments = () => documents.destroy();
}, 600_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  closeDocuments?.();
  await stack?.stop();
  await provider?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('single sign-on', () => {
  it('shows the SSO button with the configured provider name', async () => {
    const page = await newPage();

    await page.goto('/sign-in');

    const button = page.getByRole('button', { name: PROVIDER_LABEL });
    await expect(button.isVisible()).resolves.toBe(true);
  });

  it('signs a new person in through the provider; they belong to no project and see none', async () => {
    const person = oidcUser('newcomer');
    provider.signInAs(person);
    const page = await newPage();
    const from = provider.requests.length;

    const landed = await signInWithSso(page);

    const [authorize] = requestsSince(from).filter((r) => r.path === '/authorize');
    const [token] = requestsSince(from).filter((r) => r.path === '/token');
    expect(authorize?.query).toMatchObject({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: callbackUrl,
      code_challenge_method: 'S256',
    });
    expect(authorize?.query.scope?.split(' ')).toEqual(
      expect.arrayContaining(['openid', 'email', 'profile']),
    );
    expect(authorize?.query.state).toMatch(/^\S{16,}$/);
    // client_secret_post (better-auth's default); the fake checked the secret before its 200.
    expect(token?.status).toBe(200);
    expect(token?.form).toMatchObject({
      grant_type: 'authorization_code',
      redirect_uri: callbackUrl,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect(token?.form.code_verifier).toMatch(/^[\w.~-]{43,128}$/);
    expect(`${landed.origin}${landed.pathname}`).toBe(`${baseUrl}/`);
    await expect(page.getByRole('heading', { name: 'No projects yet' }).isVisible()).resolves.toBe(
      true,
    );
    expect(await sessionCookie(page.context())).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    const who = await me(page.context());
    expect(who.status).toBe(200);
    expect(who.json).toMatchObject({ email: person.email, projects: [] });
    const traces = await page.context().request.get(`${baseUrl}/api/v1/projects/demo/traces`);
    expect(traces.status()).toBe(404);
    expect((await page.goto('/projects/demo/overview'))?.status()).toBe(404);
  });

  it('signs the same person into the same account the next time', async () => {
    const person = oidcUser('returning');
    provider.signInAs(person);
    const first = await newPage();
    await signInWithSso(first);
    const firstId = (await me(first.context())).json.userId;

    const second = await newPage();
    await signInWithSso(second);

    expect((await me(second.context())).json).toMatchObject({
      userId: firstId,
      email: person.email,
    });
  });

  it('signs in a person the provider has no name for, named by their email', async () => {
    const { name: _name, ...nameless } = oidcUser('nameless');
    provider.signInAs(nameless);
    const page = await newPage();

    const landed = await signInWithSso(page);

    expect(landed.pathname).toBe('/');
    expect((await me(page.context())).json).toMatchObject({ email: nameless.email });
    expect(await findUserByEmail(authRecords, nameless.email)).toMatchObject({
      name: nameless.email,
    });
  });

  it('links an SSO sign-in with the admin’s email to the admin’s account and its project', async () => {
    const adminCookie = await signInForCookie(baseUrl, TEST_ADMIN);
    const adminMe = (await (
      await fetch(`${baseUrl}/api/v1/me`, { headers: { cookie: adminCookie } })
    ).json()) as Json;
    provider.signInAs(oidcUser('admin', { email: TEST_ADMIN.email.toUpperCase() }));
    const page = await newPage();

    const landed = await signInWithSso(page);

    expect(landed.pathname).toBe('/projects/demo/overview');
    expect((await me(page.context())).json).toMatchObject({
      userId: adminMe.userId,
      email: TEST_ADMIN.email,
      projects: [{ projectId: 'demo', role: 'admin' }],
    });
    // The password still signs in to the same account.
    expect((await signInForCookie(baseUrl, TEST_ADMIN)).length).toBeGreaterThan(0);
  });

  describe.each<{ fault: IdTokenFault; what: string }>([
    { fault: 'foreign-key', what: 'signed with a key the provider never published' },
    { fault: 'wrong-audience', what: 'issued for another client' },
    { fault: 'wrong-issuer', what: 'from another issuer' },
    { fault: 'expired', what: 'that has expired' },
  ])('an ID token $what ($fault)', ({ fault }) => {
    it('is refused: no session, no account, back on sign-in with an error, no token in the page', async () => {
      const person = oidcUser(`forged-${fault}`);
      provider.signInAs(person);
      provider.misbehave(fault);
      const page = await newPage();
      const from = provider.requests.length;

      const landed = await signInWithSso(page).finally(() => provider.misbehave(null));

      // The client did get the bad ID token: the refusal is its own check, not a failed exchange.
      const tokenRequests = requestsSince(from).filter((r) => r.path === '/token');
      expect(tokenRequests.map((r) => r.status)).toEqual([200]);
      const idToken = provider.issuedIdTokens.at(-1)!;
      expect(landed.pathname).toBe('/sign-in');
      expect(landed.searchParams.get('error')).toBeTruthy();
      const alert = page.locator('.form-error[role="alert"]');
      await expect(alert.textContent()).resolves.toContain('Single sign-on failed');
      expect(await sessionCookie(page.context())).toBeUndefined();
      expect((await me(page.context())).status).toBe(401);
      expect(await findUserByEmail(authRecords, person.email)).toBeUndefined();
      const html = await page.content();
      for (const part of idToken.split('.')) expect(html).not.toContain(part);
      expect(page.url()).not.toContain(idToken.split('.')[1]!);
    });
  });

  it('refuses an email the provider has not verified, even the admin’s: no takeover by email', async () => {
    provider.signInAs(oidcUser('claims-admin', { email: TEST_ADMIN.email, emailVerified: false }));
    const page = await newPage();

    const landed = await signInWithSso(page);

    expect(landed.pathname).toBe('/sign-in');
    expect(landed.searchParams.get('error')).toBeTruthy();
    expect(await sessionCookie(page.context())).toBeUndefined();
    expect((await me(page.context())).status).toBe(401);
  });

  it('refuses a callback carrying another browser’s state (login CSRF), before the code is used', async () => {
    // The attacker starts a flow of their own and stops at the provider's redirect.
    provider.signInAs(oidcUser('attacker'));
    const started = await fetch(`${baseUrl}/api/auth/sign-in/oauth2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: baseUrl },
      body: JSON.stringify({ providerId: 'oidc', callbackURL: '/' }),
    });
    const { url } = (await started.json()) as { url: string };
    const authorized = await fetch(url, { redirect: 'manual' });
    const attackerCallback = authorized.headers.get('location')!;
    expect(attackerCallback.startsWith(`${callbackUrl}?`)).toBe(true);
    // The victim has a sign-in of their own under way (their own state cookie).
    const page = await newPage();
    const own = await page.context().request.post(`${baseUrl}/api/auth/sign-in/oauth2`, {
      headers: { 'content-type': 'application/json', origin: baseUrl },
      data: JSON.stringify({ providerId: 'oidc', callbackURL: '/' }),
    });
    expect(own.status()).toBe(200);
    const from = provider.requests.length;

    await page.goto(attackerCallback);
    await page.waitForLoadState('load');

    const landed = new URL(page.url());
    expect(landed.pathname).toBe('/sign-in');
    expect(landed.searchParams.get('error')).toBe('state_mismatch');
    await expect(page.locator('.form-error[role="alert"]').textContent()).resolves.toContain(
      'Single sign-on failed',
    );
    expect(requestsSince(from).filter((r) => r.path === '/token')).toEqual([]);
    expect(await sessionCookie(page.context())).toBeUndefined();
    expect(await findUserByEmail(authRecords, 'attacker@sso.example.com')).toBeUndefined();
  });

  it('refuses a callback with a state it never issued', async () => {
    const page = await newPage();
    const from = provider.requests.length;

    await page.goto(
      `${callbackUrl}?${new URLSearchParams({ code: 'made-up-code', state: 'made-up-state-value-1234567890' })}`,
    );
    await page.waitForLoadState('load');

    const landed = new URL(page.url());
    expect(landed.pathname).toBe('/sign-in');
    expect(landed.searchParams.get('error')).toBeTruthy();
    expect(requestsSince(from)).toEqual([]);
    expect(await sessionCookie(page.context())).toBeUndefined();
  });
});

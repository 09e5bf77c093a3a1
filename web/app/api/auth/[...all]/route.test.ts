import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestControlPlane } from '../../../../../test/helpers/controlPlane.ts';
import { createPasswordUser } from '../../../../../functions/control/authUsers.ts';
// The route reads the environment when first called, after beforeAll points it at dynalite.
import * as route from './route.ts';

const ORIGIN = 'http://127.0.0.1:3000';
const PASSWORD = 'correct horse battery staple';
const MAX_ATTEMPTS = 3;

describe('POST /api/auth/sign-in/email (dynalite control plane, real better-auth)', () => {
  let controlPlane: Awaited<ReturnType<typeof startTestControlPlane>>;
  let userCounter = 0;

  beforeAll(async () => {
    controlPlane = await startTestControlPlane();
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', controlPlane.env.AWS_ENDPOINT_URL_DYNAMODB);
    vi.stubEnv('SIGHTLINE_AUTH_SECRET', 'a-test-secret-that-is-long-enough-0123456789');
    vi.stubEnv('SIGHTLINE_SIGN_IN_MAX_ATTEMPTS', String(MAX_ATTEMPTS));
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await controlPlane.close();
  });

  /** A user of this test alone, so each test has its own per-email counter. */
  async function userFixture() {
    userCounter += 1;
    const email = `person-${userCounter}@sightline.test`;
    await createPasswordUser(controlPlane.authRecords, { email, password: PASSWORD });
    return email;
  }

  const signIn = (body: BodyInit, headers: Record<string, string> = {}, path = 'sign-in/email') =>
    route.POST(
      new Request(`${ORIGIN}/api/auth/${path}`, {
        method: 'POST',
        headers: { host: '127.0.0.1:3000', origin: ORIGIN, ...headers },
        body,
      }),
    );
  const jsonSignIn = (email: string, password: string) =>
    signIn(JSON.stringify({ email, password }), { 'content-type': 'application/json' });
  const form = (email: string, password: string) =>
    new URLSearchParams({ email, password }).toString();
  const multipart = (email: string, password: string) => {
    const data = new FormData();
    data.set('email', email);
    data.set('password', password);
    return data;
  };

  it('signs in with the JSON body the sign-in form sends', async () => {
    const email = await userFixture();

    const response = await jsonSignIn(email, PASSWORD);

    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie().join(';')).toContain('session_token');
  });

  it.each([
    ['form-encoded', (email: string) => form(email, PASSWORD), 'application/x-www-form-urlencoded'],
    ['multipart', (email: string) => multipart(email, PASSWORD), undefined],
    ['text', (email: string) => JSON.stringify({ email, password: PASSWORD }), 'text/plain'],
  ] as const)('refuses a %s body with 415 and no session', async (_kind, body, contentType) => {
    const email = await userFixture();

    const response = await signIn(body(email), contentType ? { 'content-type': contentType } : {});

    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({
      error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('JSON') },
    });
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('refuses a JSON body without an email with 400, before better-auth', async () => {
    const response = await signIn(JSON.stringify({ password: PASSWORD }), {
      'content-type': 'application/json',
    });

    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('INVALID_REQUEST');
  });

  it('counts every attempt at an email, so the right password is refused after the limit', async () => {
    const email = await userFixture();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      expect((await jsonSignIn(email, 'wrong-guess-123456')).status).toBe(401);
    }

    const formAfterLimit = await signIn(form(email, PASSWORD), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    const jsonAfterLimit = await jsonSignIn(email, PASSWORD);

    expect(formAfterLimit.status).not.toBe(200);
    expect(jsonAfterLimit.status).toBe(429);
    expect(jsonAfterLimit.headers.getSetCookie()).toEqual([]);
  });

  it.each(['sign-in/email/', 'sign-in//email', '/sign-in/email'])(
    'refuses the sign-in path spelled %j, which better-auth would route to sign-in',
    async (path) => {
      const email = await userFixture();

      const response = await signIn(
        form(email, PASSWORD),
        { 'content-type': 'application/x-www-form-urlencoded' },
        path,
      );

      expect(response.status).toBe(404);
      expect(response.headers.getSetCookie()).toEqual([]);
    },
  );
});

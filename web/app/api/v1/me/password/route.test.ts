/**
 * Accounts an admin creates with a temporary password, through the real routes on a dynalite
 * control plane with the real better-auth: the mark, its expiry, what a session signed in with
 * it may do, and changing it (which ends every other session).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestControlPlane } from '../../../../../../test/helpers/controlPlane.ts';
import { createPasswordUser } from '../../../../../../functions/control/authUsers.ts';
import type { AuthRecord } from '../../../../../../functions/control/authRecordStore.ts';
import { addMember } from '../../../../../src/features/settings/server/projectMembers.ts';
import type { ProjectAccess } from '../../../../../src/server/access/requireAccess.ts';
import { PERMISSIONS } from '../../../../../src/server/access/permissions.ts';
// The routes read the environment when first called, after beforeAll points it at dynalite.
import * as authRoute from '../../../auth/[...all]/route.ts';
import * as meRoute from '../route.ts';
import * as membersRoute from '../../projects/[projectId]/members/route.ts';
import * as apiTokensRoute from '../../projects/[projectId]/api-tokens/route.ts';
import * as ingestKeysRoute from '../../projects/[projectId]/ingest-keys/route.ts';

// better-auth's Next.js cookie plugin imports `next/headers`, which only Next's bundler resolves;
// outside Next it has no cookies to set anyway. These tests read each response's Set-Cookie.
vi.mock('better-auth/next-js', () => ({ nextCookies: () => ({ id: 'next-cookies' }) }));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary JSON bodies
type Json = any;
type Handler = (
  request: Request,
  context: { params: Promise<Record<string, string>> },
) => Promise<Response>;

const ORIGIN = 'http://127.0.0.1:3000';
const DAY_MS = 86_400_000;
const CHOSEN_PASSWORD = 'a password I chose myself';

/** Imported when called: the route is what the fix adds, and the other tests run without it. */
const changePasswordRoute = async (): Promise<Handler> =>
  ((await import('./route.ts')) as { POST: Handler }).POST;

function request(
  path: string,
  options: { method?: string; cookie?: string; bearer?: string; body?: unknown } = {},
): Request {
  return new Request(`${ORIGIN}${path}`, {
    method: options.method ?? 'GET',
    headers: {
      host: '127.0.0.1:3000',
      origin: ORIGIN,
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(options.bearer ? { authorization: `Bearer ${options.bearer}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

const cookieOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .join('; ');

async function call(
  handler: Handler,
  path: string,
  options: Parameters<typeof request>[1] & { params?: Record<string, string> } = {},
): Promise<{ status: number; json: Json; response: Response }> {
  const response = await handler(request(path, options), {
    params: Promise.resolve(options.params ?? {}),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null, response };
}

describe('temporary passwords (dynalite control plane, real better-auth)', () => {
  let plane: Awaited<ReturnType<typeof startTestControlPlane>>;
  let counter = 0;

  beforeAll(async () => {
    plane = await startTestControlPlane();
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', plane.env.AWS_ENDPOINT_URL_DYNAMODB);
    vi.stubEnv('SIGHTLINE_AUTH_SECRET', 'a-test-secret-that-is-long-enough-0123456789');
    // Sign-in counting is tested elsewhere; these tests sign in often.
    vi.stubEnv('SIGHTLINE_SIGN_IN_MAX_ATTEMPTS', '1000');
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await plane.close();
  });

  /**
   * A project of its own whose admin adds a new person, as an admin of the project too (so
   * every refusal below comes from the temporary password, not from the role).
   */
  async function newMemberFixture() {
    counter += 1;
    const projectId = `temporary-${counter}`;
    const admin = await createPasswordUser(plane.authRecords, {
      email: `admin-${counter}@sightline.test`,
      password: 'the admin password 123',
    });
    await plane.memberships.putMembership(projectId, admin.id, 'admin');
    const access: ProjectAccess = {
      principal: { kind: 'user', userId: admin.id, email: admin.email },
      projectId,
      role: 'admin',
    };
    const added = await addMember(plane, access, {
      email: `new-${counter}@sightline.test`,
      role: 'admin',
    });
    return {
      projectId,
      userId: added.member.userId,
      email: added.member.email,
      temporaryPassword: added.temporaryPassword!,
    };
  }

  const credentialAccount = async (userId: string): Promise<AuthRecord> => {
    const accounts = await plane.authRecords.find('account', [
      { field: 'userId', value: userId, operator: 'eq', connector: 'AND' },
    ]);
    return accounts.find((account) => account.providerId === 'credential')!;
  };

  /** Moves the mark back in time, as if the admin had added the person `ageMs` ago. */
  async function ageTemporaryPassword(userId: string, ageMs: number) {
    const account = await credentialAccount(userId);
    await plane.authRecords.put('account', {
      ...account,
      temporaryPasswordIssuedAt: new Date(Date.now() - ageMs).toISOString(),
    });
  }

  const signIn = (email: string, password: string) =>
    authRoute.POST(
      request('/api/auth/sign-in/email', { method: 'POST', body: { email, password } }),
    );

  async function signedIn(email: string, password: string): Promise<string> {
    const response = await signIn(email, password);
    expect(response.status, await response.clone().text()).toBe(200);
    return cookieOf(response);
  }

  const me = (cookie: string) => call(meRoute.GET, '/api/v1/me', { cookie });
  const changePassword = async (cookie: string, body: unknown) =>
    call(await changePasswordRoute(), '/api/v1/me/password', { method: 'POST', cookie, body });

  describe('the mark', () => {
    it('marks the account an admin creates as under a temporary password, with when it was issued', async () => {
      const before = Date.now();

      const { userId } = await newMemberFixture();

      const issuedAt = Date.parse(
        String((await credentialAccount(userId)).temporaryPasswordIssuedAt),
      );
      expect(issuedAt).toBeGreaterThanOrEqual(before - 1_000);
      expect(issuedAt).toBeLessThanOrEqual(Date.now());
    });

    it('leaves an account with a password of its own unmarked and unrestricted', async () => {
      counter += 1;
      const person = await createPasswordUser(plane.authRecords, {
        email: `own-${counter}@sightline.test`,
        password: CHOSEN_PASSWORD,
      });
      await plane.memberships.putMembership(`own-${counter}`, person.id, 'admin');
      const cookie = await signedIn(person.email, CHOSEN_PASSWORD);

      const identity = await me(cookie);
      const members = await call(membersRoute.GET, `/api/v1/projects/own-${counter}/members`, {
        cookie,
        params: { projectId: `own-${counter}` },
      });

      expect((await credentialAccount(person.id)).temporaryPasswordIssuedAt).toBeUndefined();
      expect(identity.json).toMatchObject({ passwordChangeRequired: false });
      expect(members.status).toBe(200);
    });
  });

  describe('a session signed in with the temporary password', () => {
    it('reads /api/v1/me, which says a password change is required', async () => {
      const { email, temporaryPassword, userId } = await newMemberFixture();
      const cookie = await signedIn(email, temporaryPassword);

      const identity = await me(cookie);

      expect(identity.status).toBe(200);
      expect(identity.json).toMatchObject({ kind: 'user', userId, passwordChangeRequired: true });
    });

    it.each<[string, Handler, string, string]>([
      ['list members', membersRoute.GET, 'GET', 'members'],
      ['list ingest keys', ingestKeysRoute.GET, 'GET', 'ingest-keys'],
      ['list API tokens', apiTokensRoute.GET, 'GET', 'api-tokens'],
      ['create an API token', apiTokensRoute.POST, 'POST', 'api-tokens'],
    ])(
      'cannot %s: 403 PASSWORD_CHANGE_REQUIRED, though its role allows it',
      async (_what, handler, method, section) => {
        const { email, temporaryPassword, projectId } = await newMemberFixture();
        const cookie = await signedIn(email, temporaryPassword);

        const answer = await call(handler, `/api/v1/projects/${projectId}/${section}`, {
          method,
          cookie,
          params: { projectId },
          ...(method === 'POST'
            ? { body: { name: 'mine', scopes: [...PERMISSIONS], expiresInDays: 30 } }
            : {}),
        });

        expect(answer.status).toBe(403);
        expect(answer.json.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
      },
    );

    it('reaches none of better-auth’s own account endpoints but sign-out', async () => {
      const { email, temporaryPassword } = await newMemberFixture();
      const cookie = await signedIn(email, temporaryPassword);

      const rename = await authRoute.POST(
        request('/api/auth/update-user', { method: 'POST', cookie, body: { name: 'Mallory' } }),
      );
      const sessions = await authRoute.GET(request('/api/auth/list-sessions', { cookie }));
      const direct = await authRoute.POST(
        request('/api/auth/change-password', {
          method: 'POST',
          cookie,
          body: { currentPassword: temporaryPassword, newPassword: CHOSEN_PASSWORD },
        }),
      );
      const signOut = await authRoute.POST(
        request('/api/auth/sign-out', { method: 'POST', cookie, body: {} }),
      );

      expect([rename.status, (await rename.json()).code]).toEqual([
        403,
        'PASSWORD_CHANGE_REQUIRED',
      ]);
      expect(sessions.status).toBe(403);
      // Passwords change through /api/v1/me/password only.
      expect(direct.status).toBe(404);
      expect(signOut.status).toBe(200);
      expect((await me(cookie)).status).toBe(401);
    });
  });

  describe('expiry', () => {
    it('refuses the temporary password 7 days after it was issued, and takes it a minute before', async () => {
      const early = await newMemberFixture();
      const late = await newMemberFixture();
      await ageTemporaryPassword(early.userId, 7 * DAY_MS - 60_000);
      await ageTemporaryPassword(late.userId, 7 * DAY_MS + 60_000);

      const accepted = await signIn(early.email, early.temporaryPassword);
      const refused = await signIn(late.email, late.temporaryPassword);

      expect(accepted.status).toBe(200);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({
        code: 'TEMPORARY_PASSWORD_EXPIRED',
        message: expect.stringContaining('expired'),
      });
      expect(refused.headers.getSetCookie()).toEqual([]);
    });

    it('ends a session opened with the temporary password when the temporary password expires', async () => {
      const { email, temporaryPassword, userId } = await newMemberFixture();
      await ageTemporaryPassword(userId, 7 * DAY_MS - 3_600_000);
      const cookie = await signedIn(email, temporaryPassword);
      const beforeExpiry = await me(cookie);

      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 2 * 3_600_000);
      const afterExpiry = await me(cookie);
      const changing = await changePassword(cookie, {
        currentPassword: temporaryPassword,
        newPassword: CHOSEN_PASSWORD,
      });

      expect(beforeExpiry.status).toBe(200);
      expect(afterExpiry.status).toBe(401);
      expect(changing.status).toBe(401);
      expect((await credentialAccount(userId)).temporaryPasswordIssuedAt).toEqual(
        expect.any(String),
      );
    });
  });

  describe('changing it', () => {
    it('clears the mark and ends every other session, including one opened earlier with the temporary password', async () => {
      const { email, temporaryPassword, userId, projectId } = await newMemberFixture();
      const earlier = await signedIn(email, temporaryPassword);
      const current = await signedIn(email, temporaryPassword);

      const changed = await changePassword(current, {
        currentPassword: temporaryPassword,
        newPassword: CHOSEN_PASSWORD,
      });
      const replacement = cookieOf(changed.response);

      expect(changed.status).toBe(204);
      expect(replacement).toContain('session_token=');
      expect((await me(earlier)).status).toBe(401);
      expect((await me(current)).status).toBe(401);
      expect((await me(replacement)).json).toMatchObject({ passwordChangeRequired: false });
      const members = await call(membersRoute.GET, `/api/v1/projects/${projectId}/members`, {
        cookie: replacement,
        params: { projectId },
      });
      expect(members.status).toBe(200);
      expect((await credentialAccount(userId)).temporaryPasswordIssuedAt).toBeNull();
      expect((await signIn(email, temporaryPassword)).status).toBe(401);
      const again = await signedIn(email, CHOSEN_PASSWORD);
      expect((await me(again)).json).toMatchObject({ passwordChangeRequired: false });
    });

    it.each([
      [
        'a wrong current password',
        (temporary: string) => ({ currentPassword: `${temporary}x`, newPassword: CHOSEN_PASSWORD }),
        'currentPassword',
      ],
      [
        'the temporary password again',
        (temporary: string) => ({ currentPassword: temporary, newPassword: temporary }),
        'newPassword',
      ],
      [
        'a new password under 12 characters',
        (temporary: string) => ({ currentPassword: temporary, newPassword: 'short pass' }),
        'newPassword',
      ],
    ])('refuses %s with 400 naming the field, changing nothing', async (_what, body, field) => {
      const { email, temporaryPassword, userId } = await newMemberFixture();
      const cookie = await signedIn(email, temporaryPassword);

      const refused = await changePassword(cookie, body(temporaryPassword));

      expect(refused.status).toBe(400);
      expect(refused.json.error.code).toBe('INVALID_REQUEST');
      expect(refused.json.error.issues).toEqual([
        { path: ['body', field], message: expect.any(String) },
      ]);
      expect((await me(cookie)).json).toMatchObject({ passwordChangeRequired: true });
      expect((await credentialAccount(userId)).temporaryPasswordIssuedAt).toEqual(
        expect.any(String),
      );
    });

    it('lets a person with a password of their own change it, ending their other sessions', async () => {
      counter += 1;
      const person = await createPasswordUser(plane.authRecords, {
        email: `changer-${counter}@sightline.test`,
        password: CHOSEN_PASSWORD,
      });
      const other = await signedIn(person.email, CHOSEN_PASSWORD);
      const current = await signedIn(person.email, CHOSEN_PASSWORD);

      const changed = await changePassword(current, {
        currentPassword: CHOSEN_PASSWORD,
        newPassword: 'an even better password',
      });

      expect(changed.status).toBe(204);
      expect((await me(other)).status).toBe(401);
      expect((await me(cookieOf(changed.response))).status).toBe(200);
      expect((await signIn(person.email, 'an even better password')).status).toBe(200);
    });

    it('refuses an API token: only a signed-in person changes their password', async () => {
      counter += 1;
      const person = await createPasswordUser(plane.authRecords, {
        email: `token-${counter}@sightline.test`,
        password: CHOSEN_PASSWORD,
      });
      const { token } = await plane.apiTokens.createToken({
        projectId: `token-${counter}`,
        name: 'program',
        scopes: [...PERMISSIONS],
        createdBy: person.id,
        expiresAt: new Date(Date.now() + DAY_MS),
      });

      const refused = await call(await changePasswordRoute(), '/api/v1/me/password', {
        method: 'POST',
        bearer: token,
        body: { currentPassword: CHOSEN_PASSWORD, newPassword: 'an even better password' },
      });

      expect([refused.status, refused.json.error.code]).toEqual([403, 'FORBIDDEN']);
    });
  });
});

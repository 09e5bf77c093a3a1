import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { betterAuth } from 'better-auth';
import { createDynamoClient, createDynamoDocumentClient } from '../aws/awsClients.ts';
import { parseServerEnv } from '../config/env.ts';
import { createControlPlaneTables, startDynalite } from '../../infra/local/services/dynalite.ts';
import type { LocalService } from '../../infra/local/services/listenOnLoopback.ts';
import { AuthRecordStore, matchesWhere, type WhereClause } from './authRecordStore.ts';
import { createPasswordUser } from './authUsers.ts';
import { dynamoAuthAdapter } from './dynamoAuthAdapter.ts';
import { bootstrapAdmin } from './adminBootstrap.ts';
import { MembershipsRepository } from './membershipsRepository.ts';

const clause = (field: string, value: unknown, extra: Partial<WhereClause> = {}): WhereClause => ({
  field,
  value,
  operator: 'eq',
  connector: 'AND',
  ...extra,
});

describe('matchesWhere', () => {
  const record = { id: 'a', email: 'x@y.z', count: 3, expiresAt: '2026-01-02T00:00:00.000Z' };
  it.each([
    [[clause('email', 'x@y.z')], true],
    [[clause('email', 'x@y.z'), clause('count', 4)], false],
    [[clause('count', 4), clause('email', 'x@y.z', { connector: 'OR' })], true],
    [[clause('expiresAt', new Date('2026-02-01'), { operator: 'lt' })], true],
    [[clause('expiresAt', new Date('2025-12-01'), { operator: 'lt' })], false],
    [[clause('id', ['b', 'a'], { operator: 'in' })], true],
    [[clause('email', '@y', { operator: 'contains' })], true],
  ] as const)('%j → %s', (where, expected) => {
    expect(matchesWhere(record, where as unknown as WhereClause[])).toBe(expected);
  });
});

describe('better-auth on the DynamoDB adapter (dynalite)', () => {
  let dynalite: LocalService;
  let store: AuthRecordStore;
  let memberships: MembershipsRepository;
  let auth: ReturnType<typeof createAuth>;

  function createAuth() {
    return betterAuth({
      secret: 'a-test-secret-that-is-long-enough-0123456789',
      baseURL: 'http://127.0.0.1:3000',
      database: dynamoAuthAdapter(store),
      emailAndPassword: { enabled: true, disableSignUp: true },
      rateLimit: {
        enabled: true,
        storage: 'database',
        customRules: { '/sign-in/email': { window: 60, max: 5 } },
      },
    });
  }

  beforeAll(async () => {
    dynalite = await startDynalite();
    const env = parseServerEnv({ AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint });
    await createControlPlaneTables(createDynamoClient(env), {
      projectsTable: env.SIGHTLINE_PROJECTS_TABLE,
      ingestKeysTable: env.SIGHTLINE_INGEST_KEYS_TABLE,
      authTable: env.SIGHTLINE_AUTH_TABLE,
      membershipsTable: env.SIGHTLINE_MEMBERSHIPS_TABLE,
    });
    const documents = createDynamoDocumentClient(env);
    store = new AuthRecordStore(documents, env.SIGHTLINE_AUTH_TABLE);
    memberships = new MembershipsRepository(documents, env.SIGHTLINE_MEMBERSHIPS_TABLE);
    auth = createAuth();
  });

  afterAll(async () => {
    await dynalite.close();
  });

  const signIn = (email: string, password: string) =>
    auth.handler(
      new Request('http://127.0.0.1:3000/api/auth/sign-in/email', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:3000' },
        body: JSON.stringify({ email, password }),
      }),
    );

  it('signs in a user created outside better-auth, and reads the session back', async () => {
    // Prepare
    await createPasswordUser(store, {
      email: 'Ada@Example.com',
      password: 'correct horse battery',
    });

    // Act
    const response = await signIn('ada@example.com', 'correct horse battery');
    const cookie = response.headers.get('set-cookie') ?? '';
    const session = await auth.api.getSession({ headers: new Headers({ cookie }) });

    // Assess
    expect(response.status).toBe(200);
    expect(cookie).toMatch(/better-auth\.session_token=.*HttpOnly/i);
    expect(session?.user.email).toBe('ada@example.com');
    const [account] = await store.find('account', [clause('userId', session!.user.id)]);
    expect(String(account?.password)).not.toContain('correct horse');
  });

  it('revokes every session of a user, found through the lookup index', async () => {
    // Prepare
    await createPasswordUser(store, { email: 'cy@example.com', password: 'cy password 123' });
    const cookies = [];
    for (let browser = 0; browser < 2; browser += 1) {
      const response = await signIn('cy@example.com', 'cy password 123');
      cookies.push((response.headers.get('set-cookie') ?? '').split(';')[0]!);
    }
    const sessionOf = (cookie: string) => auth.api.getSession({ headers: new Headers({ cookie }) });
    expect(await sessionOf(cookies[1]!)).not.toBeNull();

    // Act
    await auth.api.revokeSessions({ headers: new Headers({ cookie: cookies[0]! }) });

    // Assess
    expect(await sessionOf(cookies[0]!)).toBeNull();
    expect(await sessionOf(cookies[1]!)).toBeNull();
  });

  /** A session record stored directly, as better-auth stores one at sign-in. */
  async function storedSession(name: string) {
    const now = new Date().toISOString();
    const session = {
      id: `session-${name}`,
      token: `token-${name}`,
      userId: `user-${name}`,
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      createdAt: now,
      updatedAt: now,
    };
    await store.create('session', session);
    return session;
  }

  it('does not write back a session deleted between its read and its refresh', async () => {
    // Prepare: a session read for a refresh, then deleted (signed out everywhere) before the write.
    const session = await storedSession('dee');
    const now = new Date().toISOString();
    const read = await store.get('session', session.token);
    expect(read).toBeDefined();
    await store.delete('session', read!);

    // Act: the refresh's write, and an update through the adapter better-auth calls.
    const written = await store.replace('session', read!, { ...read!, updatedAt: now });
    const adapter = dynamoAuthAdapter(store)({});
    const updated = await adapter.update({
      model: 'session',
      where: [{ field: 'token', value: session.token }],
      update: { updatedAt: new Date() },
    });

    // Assess
    expect(written).toBeUndefined();
    expect(updated).toBeNull();
    expect(await store.get('session', session.token)).toBeUndefined();
  });

  it('updates a session that still exists', async () => {
    const session = await storedSession('eve');
    const later = new Date(Date.now() + 60_000).toISOString();

    const written = await store.replace('session', session, { ...session, updatedAt: later });

    expect(written).toMatchObject({ updatedAt: later });
    expect(await store.get('session', session.token)).toMatchObject({ updatedAt: later });
  });

  it('refuses a wrong password and then rate-limits the address', async () => {
    await createPasswordUser(store, { email: 'bob@example.com', password: 'bobs real password' });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      statuses.push((await signIn('bob@example.com', 'not the password')).status);
    }
    // Three sign-ins above count against the same address (window 60 s, at most 5).
    expect(statuses.slice(0, 2)).toEqual([401, 401]);
    expect(statuses.at(-1)).toBe(429);
  });

  it('bootstraps one admin once, with a generated password it reports once', async () => {
    const first = await bootstrapAdmin(
      { authRecords: store, memberships },
      { email: 'root@example.com', projectId: 'demo' },
    );
    const second = await bootstrapAdmin(
      { authRecords: store, memberships },
      { email: 'root@example.com', projectId: 'demo' },
    );
    expect(first.created).toBe(true);
    expect(first.generatedPassword).toMatch(/^[\w-]{24}$/);
    expect(second).toEqual({ email: 'root@example.com', created: false });
    const [user] = await store.find('user', [clause('email', 'root@example.com')]);
    expect((await memberships.getMembership('demo', user!.id))?.role).toBe('admin');
  });
});

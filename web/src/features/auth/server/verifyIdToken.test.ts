import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import {
  startFakeOidcProvider,
  type FakeOidcProvider,
} from '../../../../../test/fakes/oidcProvider.ts';
import { IdTokenRejectedError, verifyIdToken } from './verifyIdToken.ts';

const CLIENT_ID = 'sightline-web';
const CLIENT_SECRET = 'client-secret-that-an-hs256-forger-might-use';

let provider: FakeOidcProvider;

beforeAll(async () => {
  provider = await startFakeOidcProvider({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    user: { sub: 'unused', email: 'unused@example.com', emailVerified: true },
  });
});

afterAll(() => provider.close());

const now = () => Math.floor(Date.now() / 1000);

/** Claims of a good ID token from the fake provider, with overrides (undefined removes one). */
function claims(overrides: Record<string, unknown> = {}): JWTPayload {
  const merged: Record<string, unknown> = {
    iss: provider.issuer,
    aud: CLIENT_ID,
    sub: 'idp-user-1',
    email: 'person@example.com',
    email_verified: true,
    name: 'A Person',
    iat: now(),
    exp: now() + 600,
    ...overrides,
  };
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
}

const verify = (idToken: string | undefined) =>
  verifyIdToken({ idToken, discoveryUrl: provider.discoveryUrl, clientId: CLIENT_ID });

describe('verifyIdToken', () => {
  it.each([
    {
      case: 'a good token',
      overrides: {},
      expected: {
        id: 'idp-user-1',
        email: 'person@example.com',
        emailVerified: true,
        name: 'A Person',
      },
    },
    {
      case: 'email_verified sent as a string',
      overrides: { email_verified: 'true' },
      expected: { emailVerified: true },
    },
    {
      case: 'no name: named by the email',
      overrides: { name: undefined },
      expected: { name: 'person@example.com' },
    },
    {
      case: 'several audiences, azp ours',
      overrides: { aud: [CLIENT_ID, 'another-client'], azp: CLIENT_ID },
      expected: { id: 'idp-user-1' },
    },
    {
      case: 'expired within the clock leeway',
      overrides: { iat: now() - 700, exp: now() - 30 },
      expected: { id: 'idp-user-1' },
    },
  ])('accepts $case', async ({ overrides, expected }) => {
    const idToken = await provider.signJwt(claims(overrides));

    const user = await verify(idToken);

    expect(user).toMatchObject(expected);
  });

  it.each([
    { case: 'another audience', overrides: { aud: 'another-client' } },
    { case: 'several audiences, no azp', overrides: { aud: [CLIENT_ID, 'another-client'] } },
    { case: 'another issuer', overrides: { iss: 'https://issuer.invalid' } },
    { case: 'expired', overrides: { iat: now() - 7200, exp: now() - 3600 } },
    { case: 'not yet valid', overrides: { nbf: now() + 3600 } },
    { case: 'no exp', overrides: { exp: undefined } },
    { case: 'no subject', overrides: { sub: undefined } },
    { case: 'no email', overrides: { email: undefined } },
    { case: 'no email_verified', overrides: { email_verified: undefined } },
    { case: 'an unverified email', overrides: { email_verified: false } },
    { case: 'an unverified email (as a string)', overrides: { email_verified: 'false' } },
  ])('refuses a token with $case', async ({ overrides }) => {
    const idToken = await provider.signJwt(claims(overrides));

    await expect(verify(idToken)).rejects.toBeInstanceOf(IdTokenRejectedError);
  });

  it.each([
    {
      case: 'signed with a key the provider does not publish',
      sign: () => provider.signJwt(claims(), 'foreign'),
    },
    {
      case: 'unsigned (alg none)',
      sign: async () => new UnsecuredJWT(claims()).encode(),
    },
    {
      // The classic confusion: HMAC with a secret the client knows instead of the provider's key.
      case: 'signed HS256 with the client secret',
      sign: () =>
        new SignJWT(claims())
          .setProtectedHeader({ alg: 'HS256', kid: 'fake-oidc-key-1' })
          .sign(new TextEncoder().encode(CLIENT_SECRET)),
    },
    { case: 'not a JWT', sign: async () => 'not.a.jwt' },
  ])('refuses a token $case', async ({ sign }) => {
    const idToken = await sign();

    await expect(verify(idToken)).rejects.toMatchObject({ code: 'ID_TOKEN_REJECTED' });
  });

  it('refuses a token response without an ID token', async () => {
    await expect(verify(undefined)).rejects.toBeInstanceOf(IdTokenRejectedError);
  });

  it('refuses, without crashing, when the discovery document cannot be read', async () => {
    const idToken = await provider.signJwt(claims());

    const result = verifyIdToken({
      idToken,
      discoveryUrl: `${provider.issuer}/no-such-discovery-document`,
      clientId: CLIENT_ID,
    });

    await expect(result).rejects.toBeInstanceOf(IdTokenRejectedError);
  });
});

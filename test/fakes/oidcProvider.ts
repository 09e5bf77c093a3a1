/**
 * A fake OpenID Connect provider for the single sign-on tests, speaking the real protocol on a
 * loopback port: discovery, `/authorize` (authorization-code flow, PKCE S256, no login form —
 * it "signs in" the configured user), `/token` (client_secret_basic or _post), `/userinfo`,
 * `/jwks`. ID tokens are RS256 JWTs signed with a key generated at start. It can misbehave on
 * request (ID tokens signed with an unpublished key, for another audience, from another issuer,
 * or expired) and records every request so tests can check what the client sent.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readBody, sendJson } from './scriptedHttpServer.ts';
import {
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';

export interface OidcUser {
  sub: string;
  email: string;
  emailVerified: boolean;
  /** Left out of the claims when undefined, as providers do for people with no name on file. */
  name?: string;
}

/** How the ID tokens issued from now on are wrong. */
export type IdTokenFault = 'foreign-key' | 'wrong-audience' | 'wrong-issuer' | 'expired';

export interface RecordedOidcRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** The url-encoded form body (token requests). */
  form: Record<string, string>;
  headers: IncomingMessage['headers'];
  /** The status the fake answered with. */
  status: number;
}

export interface FakeOidcProviderOptions {
  clientId: string;
  clientSecret: string;
  user: OidcUser;
}

export interface FakeOidcProvider {
  /** `http://127.0.0.1:<port>`, also the `iss` of its ID tokens. */
  readonly issuer: string;
  readonly discoveryUrl: string;
  readonly requests: RecordedOidcRequest[];
  /** Every ID token the token endpoint returned, in order. */
  readonly issuedIdTokens: string[];
  /** Redirect URIs `/authorize` accepts (the client's registration); exact match, as Cognito does. */
  registerRedirectUri(uri: string): void;
  /** The user the next sign-ins are of. */
  signInAs(user: OidcUser): void;
  /** Makes the ID tokens issued from now on wrong in this way; `null` makes them right again. */
  misbehave(fault: IdTokenFault | null): void;
  /** Signs any claims with the published key (or the unpublished one), for token-check tests. */
  signJwt(claims: JWTPayload, key?: 'published' | 'foreign'): Promise<string>;
  close(): Promise<void>;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string | undefined;
  nonce: string | undefined;
  user: OidcUser;
  expiresAt: number;
}

const CODE_LIFETIME_MS = 60_000;
const TOKEN_LIFETIME_SECONDS = 3600;
const KEY_ID = 'fake-oidc-key-1';

class OidcRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'OidcRequestError';
  }
}

export async function startFakeOidcProvider(
  options: FakeOidcProviderOptions,
): Promise<FakeOidcProvider> {
  const signing = await generateKeyPair('RS256', { extractable: true });
  // Same algorithm and key id as the published key, but never published: a forger's key.
  const foreign = await generateKeyPair('RS256');
  const publicJwk: JWK = {
    ...(await exportJWK(signing.publicKey)),
    kid: KEY_ID,
    alg: 'RS256',
    use: 'sig',
  };

  const requests: RecordedOidcRequest[] = [];
  const issuedIdTokens: string[] = [];
  const redirectUris = new Set<string>();
  const codes = new Map<string, PendingCode>();
  const accessTokens = new Map<string, { user: OidcUser; expiresAt: number }>();
  let user = options.user;
  let fault: IdTokenFault | null = null;
  let issuer = '';

  function discoveryDocument() {
    return {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
      claims_supported: ['iss', 'aud', 'sub', 'exp', 'iat', 'nonce', 'email', 'email_verified'],
    };
  }

  /** Validates an authorization request; errors the client can be told of are redirected. */
  function authorize(query: Record<string, string>, response: ServerResponse): number {
    // An unknown client or redirect URI must not be redirected to (RFC 6749 §4.1.2.1).
    if (query.client_id !== options.clientId) {
      return answerJson(response, { error: 'invalid_client' }, 400);
    }
    const redirectUri = query.redirect_uri ?? '';
    if (!redirectUris.has(redirectUri)) {
      return answerJson(response, { error: 'invalid_request', detail: 'redirect_uri' }, 400);
    }
    const back = new URL(redirectUri);
    const fail = (error: string) => {
      back.searchParams.set('error', error);
      if (query.state) back.searchParams.set('state', query.state);
      return redirect(response, back.toString());
    };
    if (query.response_type !== 'code') return fail('unsupported_response_type');
    if (!query.state) return fail('invalid_request');
    if (!(query.scope ?? '').split(' ').includes('openid')) return fail('invalid_scope');
    const codeChallenge = query.code_challenge;
    if (codeChallenge !== undefined) {
      if (query.code_challenge_method !== 'S256' || !/^[\w-]{43}$/.test(codeChallenge)) {
        return fail('invalid_request');
      }
    }
    const code = randomBytes(24).toString('base64url');
    codes.set(code, {
      clientId: options.clientId,
      redirectUri,
      codeChallenge,
      nonce: query.nonce,
      user,
      expiresAt: Date.now() + CODE_LIFETIME_MS,
    });
    back.searchParams.set('code', code);
    back.searchParams.set('state', query.state);
    return redirect(response, back.toString());
  }

  /** The client's credentials, from exactly one of client_secret_basic or client_secret_post. */
  function authenticateClient(request: IncomingMessage, form: Record<string, string>): void {
    const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const posted = form.client_secret !== undefined;
    if (basic && posted) {
      throw new OidcRequestError('invalid_request', 'more than one client authentication', 400);
    }
    let id: string | undefined;
    let secret: string | undefined;
    if (basic) {
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0) {
        id = decodeFormComponent(decoded.slice(0, colon));
        secret = decodeFormComponent(decoded.slice(colon + 1));
      }
    } else {
      id = form.client_id;
      secret = form.client_secret;
    }
    if (id !== options.clientId || secret !== options.clientSecret) {
      throw new OidcRequestError('invalid_client', 'client authentication failed', 401);
    }
  }

  async function token(request: IncomingMessage, form: Record<string, string>) {
    authenticateClient(request, form);
    if (form.grant_type !== 'authorization_code') {
      throw new OidcRequestError('unsupported_grant_type', 'only authorization_code');
    }
    const pending = codes.get(form.code ?? '');
    // A code is good once, whatever the outcome.
    codes.delete(form.code ?? '');
    if (!pending || pending.expiresAt < Date.now() || pending.clientId !== options.clientId) {
      throw new OidcRequestError('invalid_grant', 'unknown, used or expired code');
    }
    if (form.redirect_uri !== pending.redirectUri) {
      throw new OidcRequestError('invalid_grant', 'redirect_uri differs from the authorization');
    }
    if (pending.codeChallenge !== undefined) {
      const verifier = form.code_verifier ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (!/^[\w.~-]{43,128}$/.test(verifier) || challenge !== pending.codeChallenge) {
        throw new OidcRequestError('invalid_grant', 'PKCE verification failed');
      }
    } else if (form.code_verifier !== undefined) {
      throw new OidcRequestError('invalid_grant', 'code_verifier without a code_challenge');
    }
    const accessToken = randomBytes(24).toString('base64url');
    accessTokens.set(accessToken, {
      user: pending.user,
      expiresAt: Date.now() + TOKEN_LIFETIME_SECONDS * 1000,
    });
    const idToken = await signIdToken(pending);
    issuedIdTokens.push(idToken);
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_SECONDS,
      scope: 'openid email profile',
      id_token: idToken,
    };
  }

  async function signIdToken(pending: PendingCode): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const issuedAt = fault === 'expired' ? now - 2 * TOKEN_LIFETIME_SECONDS : now;
    const key: CryptoKey = fault === 'foreign-key' ? foreign.privateKey : signing.privateKey;
    return new SignJWT({
      email: pending.user.email,
      email_verified: pending.user.emailVerified,
      ...(pending.user.name === undefined ? {} : { name: pending.user.name }),
      ...(pending.nonce === undefined ? {} : { nonce: pending.nonce }),
    })
      .setProtectedHeader({ alg: 'RS256', kid: KEY_ID, typ: 'JWT' })
      .setIssuer(fault === 'wrong-issuer' ? 'https://issuer.invalid' : issuer)
      .setAudience(fault === 'wrong-audience' ? 'another-client' : pending.clientId)
      .setSubject(pending.user.sub)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + TOKEN_LIFETIME_SECONDS)
      .sign(key);
  }

  function userinfo(request: IncomingMessage) {
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const granted = bearer ? accessTokens.get(bearer) : undefined;
    if (!granted || granted.expiresAt < Date.now()) {
      throw new OidcRequestError('invalid_token', 'unknown or expired access token', 401);
    }
    return {
      sub: granted.user.sub,
      email: granted.user.email,
      email_verified: granted.user.emailVerified,
      ...(granted.user.name === undefined ? {} : { name: granted.user.name }),
    };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<number> {
    const url = new URL(request.url ?? '/', issuer);
    const query = Object.fromEntries(url.searchParams);
    const form = Object.fromEntries(new URLSearchParams(await readBody(request)));
    const route = `${request.method} ${url.pathname}`;
    let status: number;
    try {
      switch (route) {
        case 'GET /.well-known/openid-configuration':
          status = answerJson(response, discoveryDocument());
          break;
        case 'GET /jwks':
          status = answerJson(response, { keys: [publicJwk] });
          break;
        case 'GET /authorize':
          status = authorize(query, response);
          break;
        case 'POST /token':
          status = answerJson(response, await token(request, form), 200, {
            'cache-control': 'no-store',
          });
          break;
        case 'GET /userinfo':
          status = answerJson(response, userinfo(request));
          break;
        default:
          status = answerJson(response, { error: 'not_found' }, 404);
      }
    } catch (error) {
      if (!(error instanceof OidcRequestError)) throw error;
      status = answerJson(
        response,
        { error: error.code, error_description: error.message },
        error.status,
        error.status === 401 ? { 'www-authenticate': 'Basic realm="fake-oidc"' } : {},
      );
    }
    requests.push({
      method: request.method ?? 'GET',
      path: url.pathname,
      query,
      form,
      headers: request.headers,
      status,
    });
    return status;
  }

  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) answerJson(response, { error: 'server_error' }, 500);
      else response.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    requests,
    issuedIdTokens,
    registerRedirectUri: (uri) => void redirectUris.add(uri),
    signInAs: (next) => void (user = next),
    misbehave: (next) => void (fault = next),
    signJwt: (claims, key = 'published') =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: KEY_ID, typ: 'JWT' })
        .sign(key === 'foreign' ? foreign.privateKey : signing.privateKey),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** sendJson that returns the status, which the provider records per request. */
function answerJson(
  response: ServerResponse,
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): number {
  sendJson(response, body, status, headers);
  return status;
}

function redirect(response: ServerResponse, location: string): number {
  response.writeHead(302, { location, 'cache-control': 'no-store' });
  response.end();
  return 302;
}

/** client_secret_basic url-encodes id and secret before base64 (RFC 6749 §2.3.1). */
function decodeFormComponent(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/**
 * The better-auth instance: email + password sign-in (scrypt hashes, no self sign-up: admins
 * add people), optional single sign-on through an OIDC provider, sessions and rate-limit
 * counters in DynamoDB, httpOnly SameSite=Lax cookies (Secure over https). A session signed in
 * with a temporary password may only set a new one (temporaryPasswords.ts), which is done
 * through POST /api/v1/me/password (changePassword.ts), not better-auth's own route.
 */
import { betterAuth } from 'better-auth';
import { nextCookies } from 'better-auth/next-js';
import { genericOAuth } from 'better-auth/plugins/generic-oauth';
import {
  ConfigurationError,
  serverEnv,
  type ServerEnv,
} from '../../../../../functions/config/env.ts';
import { dynamoAuthAdapter } from '../../../../../functions/control/dynamoAuthAdapter.ts';
import { CLIENT_ADDRESS_HEADER, rateLimitAddress } from '../../../server/clientAddress.ts';
import { controlPlane } from '../../../server/controlPlane.ts';
import {
  OIDC_ERROR_PATH,
  OIDC_PROVIDER_ID,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  SESSION_EXPIRES_IN_SECONDS,
  SESSION_UPDATE_AGE_SECONDS,
} from '../constants.ts';
import {
  restrictTemporaryPasswordSessions,
  TEMPORARY_PASSWORD_ACCOUNT_FIELDS,
  TEMPORARY_PASSWORD_SESSION_FIELDS,
  temporaryPasswordDatabaseHooks,
} from './temporaryPasswords.ts';
import { IdTokenRejectedError, verifyIdToken } from './verifyIdToken.ts';

/** The origin a request was made to (its Host is checked against the allowed hosts first). */
export function requestOrigin(request: Request): string | undefined {
  const host = request.headers.get('host');
  if (!host) return undefined;
  const protocol =
    request.headers.get('x-forwarded-proto') === 'https'
      ? 'https'
      : new URL(request.url).protocol.replace(':', '');
  return `${protocol}://${host}`;
}

export function oidcConfigured(env: ServerEnv): boolean {
  const given = [
    env.SIGHTLINE_OIDC_DISCOVERY_URL,
    env.SIGHTLINE_OIDC_CLIENT_ID,
    env.SIGHTLINE_OIDC_CLIENT_SECRET,
  ];
  if (given.every((value) => !value)) return false;
  if (given.some((value) => !value)) {
    throw new ConfigurationError(
      'Single sign-on needs SIGHTLINE_OIDC_DISCOVERY_URL, SIGHTLINE_OIDC_CLIENT_ID and SIGHTLINE_OIDC_CLIENT_SECRET together.',
    );
  }
  return true;
}

/**
 * Without SIGHTLINE_WEB_URL, better-auth fixes its base URL (the OIDC callback's) from the
 * first request it serves, preferring X-Forwarded-Host/-Proto, which Next.js passes on from the
 * client unchecked: one forged request would send every later sign-on to another host. Only the
 * Host header is checked (against the allowed hosts), so the base is made from it; the scheme is
 * http, the only one `next start` serves (behind a TLS proxy, set SIGHTLINE_WEB_URL, which
 * also makes cookies Secure).
 */
function withCheckedForwardedHost(request: Request): Request {
  const host = request.headers.get('host');
  if (!host) return request;
  const headers = new Headers(request.headers);
  headers.set('x-forwarded-host', host);
  headers.set('x-forwarded-proto', 'http');
  return new Request(request, { headers });
}

/**
 * Sets the address better-auth's per-address limit keys on (replacing whatever the client sent
 * in that header). Behind trusted proxies it is the address the outermost of them saw, which a
 * client cannot forge; a request with no usable address shares one bucket rather than going
 * unlimited (better-auth skips requests it finds no IP address for).
 */
export function withRateLimitAddress(request: Request, trustedProxyHops: number): Request {
  const headers = new Headers(request.headers);
  headers.set(
    CLIENT_ADDRESS_HEADER,
    rateLimitAddress(request.headers.get('x-forwarded-for'), trustedProxyHops),
  );
  return new Request(request, { headers });
}

function createAuth(env: ServerEnv) {
  if (!env.SIGHTLINE_AUTH_SECRET) {
    throw new ConfigurationError(
      'SIGHTLINE_AUTH_SECRET is not set: sign-in needs a secret of at least 32 characters (the local stack generates one).',
    );
  }
  const secure = env.SIGHTLINE_WEB_URL?.startsWith('https://') ?? false;
  const signInRule = { window: 60, max: env.SIGHTLINE_SIGN_IN_MAX_ATTEMPTS_PER_ADDRESS };
  const auth = betterAuth({
    appName: 'Sightline',
    secret: env.SIGHTLINE_AUTH_SECRET,
    ...(env.SIGHTLINE_WEB_URL ? { baseURL: env.SIGHTLINE_WEB_URL } : {}),
    basePath: '/api/auth',
    database: dynamoAuthAdapter(controlPlane().authRecords),
    emailAndPassword: {
      enabled: true,
      // People are added by project admins (or the launcher's bootstrap), never by themselves.
      disableSignUp: true,
      minPasswordLength: PASSWORD_MIN_LENGTH,
      maxPasswordLength: PASSWORD_MAX_LENGTH,
    },
    session: {
      expiresIn: SESSION_EXPIRES_IN_SECONDS,
      updateAge: SESSION_UPDATE_AGE_SECONDS,
      additionalFields: TEMPORARY_PASSWORD_SESSION_FIELDS,
    },
    account: {
      accountLinking: { enabled: true, trustedProviders: [OIDC_PROVIDER_ID] },
      additionalFields: TEMPORARY_PASSWORD_ACCOUNT_FIELDS,
    },
    databaseHooks: temporaryPasswordDatabaseHooks(controlPlane().authRecords),
    hooks: { before: restrictTemporaryPasswordSessions },
    // POST /api/v1/me/password calls it (auth.api) and always ends the other sessions; the
    // route itself would let a caller keep them.
    disabledPaths: ['/change-password'],
    // The Host header is checked against SIGHTLINE_WEB_ALLOWED_HOSTS before any route runs,
    // so the request's own origin is one of the app's origins.
    trustedOrigins: (request: Request) => {
      const origin = requestOrigin(request);
      return origin ? [origin] : [];
    },
    rateLimit: {
      enabled: true,
      storage: 'database',
      window: 60,
      max: 100,
      customRules: {
        '/sign-in/email': signInRule,
        '/sign-in/oauth2': signInRule,
      },
    },
    // Failed single sign-on callbacks (state, code) land on the sign-in page, not a bare error page.
    onAPIError: { errorURL: OIDC_ERROR_PATH },
    advanced: {
      useSecureCookies: secure,
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax', secure },
      // Only the address withRateLimitAddress sets: never a header the client wrote itself.
      ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] },
    },
    plugins: [
      ...(oidcConfigured(env)
        ? [
            genericOAuth({
              config: [
                {
                  providerId: OIDC_PROVIDER_ID,
                  discoveryUrl: env.SIGHTLINE_OIDC_DISCOVERY_URL!,
                  clientId: env.SIGHTLINE_OIDC_CLIENT_ID!,
                  clientSecret: env.SIGHTLINE_OIDC_CLIENT_SECRET!,
                  scopes: ['openid', 'email', 'profile'],
                  pkce: true,
                  // The plugin would only decode the ID token; sign in with a verified one only.
                  getUserInfo: async (tokens) => {
                    try {
                      return await verifyIdToken({
                        idToken: tokens.idToken,
                        discoveryUrl: env.SIGHTLINE_OIDC_DISCOVERY_URL!,
                        clientId: env.SIGHTLINE_OIDC_CLIENT_ID!,
                      });
                    } catch (error) {
                      if (!(error instanceof IdTokenRejectedError)) throw error;
                      // null makes better-auth send the person back to sign-in with an error.
                      console.warn(error.message);
                      return null;
                    }
                  },
                },
              ],
            }),
          ]
        : []),
      // Lets server actions set cookies through better-auth.
      nextCookies(),
    ],
  });
  const handler = auth.handler;
  auth.handler = (request) => {
    const addressed = withRateLimitAddress(request, env.SIGHTLINE_TRUSTED_PROXY_HOPS);
    return handler(env.SIGHTLINE_WEB_URL ? addressed : withCheckedForwardedHost(addressed));
  };
  return auth;
}

export type SightlineAuth = ReturnType<typeof createAuth>;

const holder = globalThis as typeof globalThis & { sightlineAuth?: SightlineAuth };

export function getAuth(): SightlineAuth {
  holder.sightlineAuth ??= createAuth(serverEnv());
  return holder.sightlineAuth;
}

/** Constants of sign-in and sessions. */

/** The id of the single sign-on provider in better-auth (its callback is /api/auth/oauth2/callback/oidc). */
export const OIDC_PROVIDER_ID = 'oidc';

export const SESSION_EXPIRES_IN_SECONDS = 7 * 24 * 3600;
/** A session used after this long is extended to a full SESSION_EXPIRES_IN_SECONDS again. */
export const SESSION_UPDATE_AGE_SECONDS = 24 * 3600;

/** Sign-in attempts allowed for one email address per window, whatever the client address. */
export const SIGN_IN_ATTEMPTS_PER_EMAIL = 10;
export const SIGN_IN_EMAIL_WINDOW_SECONDS = 15 * 60;

/** better-auth's session cookie, without and with the `__Secure-` prefix it gets over https. */
export const SESSION_COOKIE_NAMES = [
  'better-auth.session_token',
  '__Secure-better-auth.session_token',
] as const;

/** Request header the proxy sets to the page's path and query, for `?next=` after sign-in. */
export const PATH_HEADER = 'x-sightline-path';

/** Constants of sign-in and sessions. */

/** The id of the single sign-on provider in better-auth (its callback is /api/auth/oauth2/callback/oidc). */
export const OIDC_PROVIDER_ID = 'oidc';

/** Where a failed single sign-on returns to; better-auth appends `?error=<code>`. */
export const OIDC_ERROR_PATH = '/sign-in';

export const SESSION_EXPIRES_IN_SECONDS = 7 * 24 * 3600;
/** A session used after this long is extended to a full SESSION_EXPIRES_IN_SECONDS again. */
export const SESSION_UPDATE_AGE_SECONDS = 24 * 3600;

/** Password rules, better-auth's (emailAndPassword) and the change-password form's alike. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * How long a temporary password (the one an admin is shown when adding a person who has no
 * account) works if the person never replaces it. Sessions signed in with it end then too.
 */
export const TEMPORARY_PASSWORD_LIFETIME_SECONDS = 7 * 24 * 3600;

/** Where a session signed in with a temporary password is sent, and where anyone changes theirs. */
export const CHANGE_PASSWORD_PATH = '/change-password';

/** better-auth's session cookie, without and with the `__Secure-` prefix it gets over https. */
export const SESSION_COOKIE_NAMES = [
  'better-auth.session_token',
  '__Secure-better-auth.session_token',
] as const;

/** Request header the proxy sets to the page's path and query, for `?next=` after sign-in. */
export const PATH_HEADER = 'x-sightline-path';

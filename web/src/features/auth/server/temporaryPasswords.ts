/**
 * Temporary passwords in better-auth: an admin who adds a person without an account is shown
 * the account's first password, so a session signed in with it may only set a new one, and the
 * password stops working TEMPORARY_PASSWORD_LIFETIME_SECONDS after it was issued. The mark is on
 * the credential account (`temporaryPasswordIssuedAt`, functions/control/authUsers.ts); a session
 * signed in with it carries `temporaryPasswordExpiresAt`. Setting a new password clears the mark
 * in the same write as the new hash, and ends every session (changePassword.ts).
 */
import { APIError, createAuthMiddleware, getSessionFromCtx } from 'better-auth/api';
import type { BetterAuthOptions } from 'better-auth';
import type { AuthRecordStore } from '../../../../../functions/control/authRecordStore.ts';
import { findTemporaryPasswordIssuedAt } from '../../../../../functions/control/authUsers.ts';
import { TEMPORARY_PASSWORD_LIFETIME_SECONDS } from '../constants.ts';

export const TEMPORARY_PASSWORD_ACCOUNT_FIELDS = {
  temporaryPasswordIssuedAt: { type: 'date', required: false, input: false },
} as const;

export const TEMPORARY_PASSWORD_SESSION_FIELDS = {
  temporaryPasswordExpiresAt: { type: 'date', required: false, input: false },
} as const;

/** Stable codes of better-auth's JSON errors (`{ code, message }`) for these refusals. */
export const TEMPORARY_PASSWORD_ERROR_CODES = {
  expired: 'TEMPORARY_PASSWORD_EXPIRED',
  changeRequired: 'PASSWORD_CHANGE_REQUIRED',
} as const;

const DAYS = TEMPORARY_PASSWORD_LIFETIME_SECONDS / 86_400;

export const TEMPORARY_PASSWORD_EXPIRED_MESSAGE = `This temporary password has expired (temporary passwords work for ${DAYS} days). Ask your administrator.`;

export const PASSWORD_CHANGE_REQUIRED_MESSAGE =
  'You signed in with a temporary password: set a new password first.';

export function temporaryPasswordExpiresAt(issuedAt: string | Date): Date {
  return new Date(new Date(issuedAt).getTime() + TEMPORARY_PASSWORD_LIFETIME_SECONDS * 1000);
}

export type SessionRestriction = 'none' | 'password_change_required' | 'expired';

/** What a session may do: anything, only set a new password, or nothing (it has ended). */
export function sessionRestriction(
  session: { temporaryPasswordExpiresAt?: Date | string | null },
  now = Date.now(),
): SessionRestriction {
  const expiresAt = session.temporaryPasswordExpiresAt;
  if (expiresAt === undefined || expiresAt === null) return 'none';
  return new Date(expiresAt).getTime() > now ? 'password_change_required' : 'expired';
}

/** Sessions single sign-on makes: the provider vouched for the person, not the temporary password. */
const isSingleSignOn = (path: string | undefined) =>
  path !== undefined && (path.startsWith('/oauth2/callback') || path.startsWith('/callback'));

/**
 * Marks a session signed in while the account's password is temporary, and refuses one once that
 * password has expired. Every other way a session is made (but single sign-on) is treated as a
 * password sign-in, so a path better-auth adds later fails closed. Setting a new password clears
 * the mark in the same write as the new hash (account.update below), before better-auth makes
 * the replacement session.
 */
export function temporaryPasswordDatabaseHooks(
  store: AuthRecordStore,
): NonNullable<BetterAuthOptions['databaseHooks']> {
  return {
    session: {
      create: {
        async before(session, context) {
          if (isSingleSignOn(context?.path)) return;
          const issuedAt = await findTemporaryPasswordIssuedAt(store, session.userId);
          if (!issuedAt) return;
          const expiresAt = temporaryPasswordExpiresAt(issuedAt);
          if (expiresAt.getTime() <= Date.now()) {
            throw new APIError('FORBIDDEN', {
              code: TEMPORARY_PASSWORD_ERROR_CODES.expired,
              message: TEMPORARY_PASSWORD_EXPIRED_MESSAGE,
            });
          }
          return { data: { temporaryPasswordExpiresAt: expiresAt } };
        },
      },
    },
    account: {
      update: {
        // better-auth writes whatever this returns (returning nothing would write nothing).
        async before(account) {
          if (typeof account.password !== 'string') return { data: account };
          return { data: { ...account, temporaryPasswordIssuedAt: null } };
        },
      },
    },
  };
}

/**
 * better-auth endpoints a restricted session reaches unchecked: signing in (as anyone), reading
 * the session (pages and routes do, and decide themselves), signing out here or everywhere.
 */
const UNCHECKED_PATHS = new Set(['/get-session', '/sign-out', '/revoke-sessions', '/ok', '/error']);
const isUnchecked = (path: string) =>
  UNCHECKED_PATHS.has(path) || path.startsWith('/sign-in') || isSingleSignOn(path);

/**
 * Before every other better-auth endpoint (updating the user, listing sessions or accounts,
 * linking one, …): a session signed in with a temporary password gets 403
 * PASSWORD_CHANGE_REQUIRED, and one whose temporary password expired 401. Changing the password
 * itself is allowed to the former.
 */
export const restrictTemporaryPasswordSessions = createAuthMiddleware(async (ctx) => {
  if (isUnchecked(ctx.path)) return;
  const session = await getSessionFromCtx(ctx);
  if (!session) return;
  const restriction = sessionRestriction(
    session.session as { temporaryPasswordExpiresAt?: Date | string | null },
  );
  if (restriction === 'expired') {
    throw new APIError('UNAUTHORIZED', {
      code: TEMPORARY_PASSWORD_ERROR_CODES.expired,
      message: TEMPORARY_PASSWORD_EXPIRED_MESSAGE,
    });
  }
  if (restriction === 'password_change_required' && ctx.path !== '/change-password') {
    throw new APIError('FORBIDDEN', {
      code: TEMPORARY_PASSWORD_ERROR_CODES.changeRequired,
      message: PASSWORD_CHANGE_REQUIRED_MESSAGE,
    });
  }
});

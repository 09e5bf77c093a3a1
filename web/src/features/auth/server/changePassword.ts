/**
 * Setting a new password (POST /api/v1/me/password) through better-auth's own change-password,
 * which checks the current password and writes the new hash — clearing a temporary password's
 * mark in the same write (temporaryPasswords.ts). Every session of the account ends, so one
 * opened with the old password (by the admin who was shown a temporary one, say) dies; this
 * browser gets a new session in the response's Set-Cookie.
 */
import { APIError } from 'better-auth/api';
import { serverEnv } from '../../../../../functions/config/env.ts';
import type { Principal } from '../../../server/access/requireAccess.ts';
import { ApiError } from '../../../server/api/apiErrors.ts';
import { controlPlane } from '../../../server/controlPlane.ts';
import { getAuth } from './auth.ts';
import { recordPasswordChangeAttempt } from './signInThrottle.ts';

const invalid = (field: 'currentPassword' | 'newPassword', message: string) =>
  new ApiError('INVALID_REQUEST', 'The request is not valid.', [
    { path: ['body', field], message },
  ]);

/** better-auth's refusals, as the API answers them. */
function toApiError(error: unknown): unknown {
  if (!(error instanceof APIError)) return error;
  switch (error.body?.code) {
    case 'INVALID_PASSWORD':
      return invalid('currentPassword', 'The current password is wrong.');
    case 'PASSWORD_TOO_SHORT':
    case 'PASSWORD_TOO_LONG':
      return invalid('newPassword', String(error.body.message));
    case 'CREDENTIAL_ACCOUNT_NOT_FOUND':
      return new ApiError(
        'CONFLICT',
        'This account signs in through single sign-on only: it has no password to change.',
      );
  }
  if (error.statusCode === 401) return new ApiError('UNAUTHENTICATED', 'Sign in again.');
  return error;
}

export async function changePassword(input: {
  principal: Principal;
  currentPassword: string;
  newPassword: string;
  requestHeaders: Headers;
}): Promise<Response> {
  if (input.principal.kind !== 'user') {
    throw new ApiError(
      'FORBIDDEN',
      'An API token cannot change a password: the person signs in and changes it.',
    );
  }
  const env = serverEnv();
  const decision = await recordPasswordChangeAttempt(controlPlane().authRecords, {
    userId: input.principal.userId,
    maxAttempts: env.SIGHTLINE_SIGN_IN_MAX_ATTEMPTS,
    windowSeconds: env.SIGHTLINE_SIGN_IN_WINDOW_SECONDS,
  });
  if (!decision.allowed) {
    throw new ApiError(
      'RATE_LIMITED',
      `Too many attempts to change the password. Try again in ${decision.retryAfterSeconds} s.`,
    );
  }
  let headers: Headers;
  try {
    ({ headers } = await getAuth().api.changePassword({
      body: {
        currentPassword: input.currentPassword,
        newPassword: input.newPassword,
        revokeOtherSessions: true,
      },
      headers: input.requestHeaders,
      returnHeaders: true,
    }));
  } catch (error) {
    throw toApiError(error);
  }
  const response = new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } });
  for (const cookie of headers.getSetCookie()) response.headers.append('set-cookie', cookie);
  return response;
}

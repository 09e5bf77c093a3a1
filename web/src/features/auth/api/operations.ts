/** `/api/v1` operations of the auth feature: who the caller is, and setting a new password. */
import { z } from 'zod';
import { ROLES } from '../../../server/access/permissions.ts';
import { defineOperation } from '../../../server/api/operations.ts';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  TEMPORARY_PASSWORD_LIFETIME_SECONDS,
} from '../constants.ts';

export const MeResponseSchema = z.object({
  kind: z.enum(['user', 'api_token']),
  userId: z.string(),
  email: z.string().optional(),
  tokenId: z.string().optional(),
  passwordChangeRequired: z
    .boolean()
    .describe(
      'True for a session signed in with a temporary password: until it sets a new password (POST /api/v1/me/password) it reaches no project, and every other operation answers 403 PASSWORD_CHANGE_REQUIRED.',
    ),
  projects: z.array(z.object({ projectId: z.string(), role: z.enum(ROLES) })),
});

export const getMeOperation = defineOperation({
  id: 'getMe',
  method: 'GET',
  path: '/api/v1/me',
  summary: 'The authenticated principal and the projects it can reach, with its role in each.',
  tag: 'Account',
  permission: null,
  allowedWhilePasswordChangeRequired: true,
  response: MeResponseSchema,
});

export const ChangePasswordBodySchema = z
  .object({
    currentPassword: z
      .string()
      .min(1, 'Enter the current password.')
      .max(PASSWORD_MAX_LENGTH, 'This is not the current password.'),
    newPassword: z
      .string()
      .min(
        PASSWORD_MIN_LENGTH,
        `The new password needs at least ${PASSWORD_MIN_LENGTH} characters.`,
      )
      .max(
        PASSWORD_MAX_LENGTH,
        `The new password may have at most ${PASSWORD_MAX_LENGTH} characters.`,
      ),
  })
  // Keeping a temporary password would keep it known to the admin who was shown it.
  .refine((body) => body.newPassword !== body.currentPassword, {
    path: ['newPassword'],
    message: 'The new password must differ from the current one.',
  });

export const changePasswordOperation = defineOperation({
  id: 'changePassword',
  method: 'POST',
  path: '/api/v1/me/password',
  summary: 'Sets a new password for the signed-in person, ending every other session of theirs.',
  description: `Checks the current password (a wrong one is 400 with an issue at \`body.currentPassword\`). The new one has ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters and differs from the current one. Every session of the account ends, and this one is replaced by a new session (its cookie is in the 204's Set-Cookie). A session signed in with a temporary password may call this (and GET /api/v1/me) only; a temporary password works for ${TEMPORARY_PASSWORD_LIFETIME_SECONDS / 86_400} days after it was issued. Attempts are limited per account like sign-ins (429 RATE_LIMITED). An API token cannot change a password (403), nor can an account that signs in through single sign-on only (409).`,
  tag: 'Account',
  permission: null,
  allowedWhilePasswordChangeRequired: true,
  body: ChangePasswordBodySchema,
  response: z.null(),
  successStatus: 204,
});

export const authOperations = [getMeOperation, changePasswordOperation];

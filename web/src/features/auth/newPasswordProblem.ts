/**
 * What is wrong with a new password before it is sent, in the words the change-password form
 * shows: the server's rules (length, not the current password) and the confirmation matching.
 */
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './constants.ts';

export function newPasswordProblem(input: {
  currentPassword: string;
  newPassword: string;
  confirmation: string;
}): string | null {
  if (input.currentPassword === '') return 'Enter the current password.';
  if (input.newPassword.length < PASSWORD_MIN_LENGTH) {
    return `The new password needs at least ${PASSWORD_MIN_LENGTH} characters.`;
  }
  if (input.newPassword.length > PASSWORD_MAX_LENGTH) {
    return `The new password may have at most ${PASSWORD_MAX_LENGTH} characters.`;
  }
  if (input.newPassword === input.currentPassword) {
    return 'The new password must differ from the current one.';
  }
  if (input.confirmation !== input.newPassword) {
    return 'The new password and its confirmation do not match.';
  }
  return null;
}

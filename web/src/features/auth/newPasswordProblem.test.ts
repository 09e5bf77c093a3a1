import { describe, expect, it } from 'vitest';
import { newPasswordProblem } from './newPasswordProblem.ts';

const valid = {
  currentPassword: 'the temporary one',
  newPassword: 'a password of my own',
  confirmation: 'a password of my own',
};

describe('newPasswordProblem', () => {
  it('accepts a long enough new password, different and confirmed', () => {
    expect(newPasswordProblem(valid)).toBeNull();
  });

  it.each([
    ['no current password', { currentPassword: '' }, 'Enter the current password'],
    ['11 characters', { newPassword: 'x'.repeat(11), confirmation: 'x'.repeat(11) }, 'at least 12'],
    [
      '257 characters',
      { newPassword: 'x'.repeat(257), confirmation: 'x'.repeat(257) },
      'at most 256',
    ],
    [
      'the current password again',
      { newPassword: valid.currentPassword, confirmation: valid.currentPassword },
      'must differ',
    ],
    ['a confirmation with a typo', { confirmation: `${valid.newPassword}!` }, 'do not match'],
  ])('refuses %s', (_what, change, message) => {
    expect(newPasswordProblem({ ...valid, ...change })).toContain(message);
  });
});

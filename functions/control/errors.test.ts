/** Control-plane errors are matched by code, whichever copy of their class made them. */
import { describe, expect, it } from 'vitest';
import { isControlPlaneError, LastAdminError } from './errors.ts';

describe('isControlPlaneError', () => {
  it('recognises an error of another copy of the class by its code', () => {
    // What a second bundle's copy of errors.ts throws: same name and code, another class.
    class CopiedLastAdminError extends Error {
      readonly code = 'LAST_ADMIN';
    }
    const copied = new CopiedLastAdminError('Project p keeps at least one admin.');
    expect(copied instanceof LastAdminError).toBe(false);
    expect(isControlPlaneError(copied, 'LAST_ADMIN')).toBe(true);
    expect(isControlPlaneError(new LastAdminError('p'), 'LAST_ADMIN')).toBe(true);
  });

  it('matches nothing else', () => {
    expect(isControlPlaneError(new LastAdminError('p'), 'MEMBERSHIP_CONTENTION')).toBe(false);
    expect(isControlPlaneError({ code: 'LAST_ADMIN' }, 'LAST_ADMIN')).toBe(false);
    expect(isControlPlaneError(undefined, 'LAST_ADMIN')).toBe(false);
  });
});

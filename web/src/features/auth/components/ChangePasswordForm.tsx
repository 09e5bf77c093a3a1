'use client';
/**
 * The change-password form: the current password and the new one twice, posted to
 * POST /api/v1/me/password. The confirmation is checked here (a typo is never saved); the
 * length and "differs from the current one" rules are the server's, repeated for a quick answer.
 */
import { useState, type FormEvent } from 'react';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../constants.ts';
import { newPasswordProblem } from '../newPasswordProblem.ts';

interface Props {
  /** Signed in with a temporary password: go on to `next` once it is replaced. */
  required: boolean;
  next: string;
}

interface ErrorBody {
  error?: { message?: string; issues?: Array<{ message?: string }> };
}

async function readMessage(response: Response): Promise<string> {
  if (response.status === 401) return 'Your session has ended. Sign in again.';
  const body = (await response.json().catch(() => ({}))) as ErrorBody;
  const issue = body.error?.issues?.find((candidate) => candidate.message)?.message;
  return issue ?? body.error?.message ?? `Changing the password failed (${response.status}).`;
}

export function ChangePasswordForm({ required, next }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [changed, setChanged] = useState(false);
  const [pending, setPending] = useState(false);
  const action = required ? 'Set new password' : 'Change password';

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const currentPassword = String(form.get('currentPassword') ?? '');
    const newPassword = String(form.get('newPassword') ?? '');
    setChanged(false);
    const problem = newPasswordProblem({
      currentPassword,
      newPassword,
      confirmation: String(form.get('confirmPassword') ?? ''),
    });
    if (problem) {
      setError(problem);
      return;
    }
    setPending(true);
    setError(null);
    try {
      const response = await fetch('/api/v1/me/password', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ currentPassword, newPassword }),
      });
      if (response.ok && required) {
        window.location.assign(next);
        return;
      }
      if (response.ok) {
        formElement.reset();
        setChanged(true);
      } else {
        setError(await readMessage(response));
      }
    } catch {
      setError('The server did not answer. Try again.');
    }
    setPending(false);
  }

  return (
    <div className="sign-in-card">
      <form onSubmit={submit} aria-label={action}>
        <label>
          Current password
          <input
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
            autoFocus
            aria-describedby={required ? 'current-password-hint' : undefined}
          />
        </label>
        {required ? (
          <p id="current-password-hint" className="muted">
            The temporary password you signed in with.
          </p>
        ) : null}
        <label>
          New password
          <input
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            minLength={PASSWORD_MIN_LENGTH}
            maxLength={PASSWORD_MAX_LENGTH}
            aria-describedby="new-password-rules"
          />
        </label>
        <p id="new-password-rules" className="muted">
          {PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters, not the current password.
        </p>
        <label>
          Confirm new password
          <input
            name="confirmPassword"
            type="password"
            autoComplete="new-password"
            required
            maxLength={PASSWORD_MAX_LENGTH}
          />
        </label>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        {/* Mounted from the start, so screen readers announce what appears in it. */}
        <p role="status">
          {changed
            ? 'Password changed. Every other session of this account has been signed out.'
            : null}
        </p>
        <button type="submit" disabled={pending}>
          {pending ? 'Saving…' : action}
        </button>
      </form>
    </div>
  );
}

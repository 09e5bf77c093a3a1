'use client';
/**
 * The sign-in form: email + password posted to better-auth (so its rate limit applies), and
 * a single sign-on button when an OIDC provider is configured.
 */
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'next/navigation';
import { OIDC_ERROR_PATH, OIDC_PROVIDER_ID } from '../constants.ts';

interface Props {
  next: string;
  ssoLabel: string | null;
}

async function readMessage(response: Response): Promise<string> {
  if (response.status === 429) return 'Too many sign-in attempts. Wait a minute and try again.';
  if (response.status === 401) return 'Wrong email or password.';
  try {
    const body = (await response.json()) as { message?: string; error?: { message?: string } };
    return body.error?.message ?? body.message ?? `Sign-in failed (${response.status}).`;
  } catch {
    return `Sign-in failed (${response.status}).`;
  }
}

/**
 * What to say when single sign-on came back with `?error=<code>`. Anyone can craft that URL,
 * so the code only picks one of these fixed sentences and is never shown itself.
 */
function ssoErrorMessage(code: string | null): string | null {
  if (!code) return null;
  if (code === 'state_mismatch' || code === 'please_restart_the_process') {
    return 'Single sign-on failed: the sign-in expired or was started elsewhere. Try again.';
  }
  return 'Single sign-on failed. Try again, or ask your administrator.';
}

export function SignInForm({ next, ssoLabel }: Props) {
  const searchParams = useSearchParams();
  const [error, setError] = useState<string | null>(() =>
    ssoErrorMessage(searchParams.get('error')),
  );
  const [pending, setPending] = useState(false);

  async function signIn(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      const response = await fetch('/api/auth/sign-in/email', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: form.get('email'), password: form.get('password') }),
      });
      if (response.ok) {
        window.location.assign(next);
        return;
      }
      setError(await readMessage(response));
    } catch {
      setError('The server did not answer. Try again.');
    }
    setPending(false);
  }

  async function signInWithSso() {
    setPending(true);
    setError(null);
    const response = await fetch('/api/auth/sign-in/oauth2', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        providerId: OIDC_PROVIDER_ID,
        callbackURL: next,
        errorCallbackURL: OIDC_ERROR_PATH,
      }),
    });
    const body = (await response.json().catch(() => ({}))) as { url?: string };
    if (response.ok && body.url) {
      window.location.assign(body.url);
      return;
    }
    setError(await readMessage(response));
    setPending(false);
  }

  return (
    <div className="sign-in-card">
      <form onSubmit={signIn} aria-label="Sign in">
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {ssoLabel ? (
        <button type="button" className="secondary" onClick={signInWithSso} disabled={pending}>
          {ssoLabel}
        </button>
      ) : null}
    </div>
  );
}

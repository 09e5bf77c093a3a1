'use client';
/**
 * The signed-in person's controls in the header: who they are, changing their password, and
 * signing out of this browser or of every browser (all of their sessions revoked).
 */
import { useState } from 'react';
import Link from 'next/link';
import { CHANGE_PASSWORD_PATH } from '../constants.ts';

async function post(path: string): Promise<boolean> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  return response.ok;
}

export function SignOutControls({ email }: { email: string }) {
  const [pending, setPending] = useState(false);
  const [failed, setFailed] = useState(false);

  async function signOut(everywhere: boolean) {
    setPending(true);
    setFailed(false);
    const ok =
      (!everywhere || (await post('/api/auth/revoke-sessions'))) &&
      (await post('/api/auth/sign-out'));
    if (ok) {
      window.location.assign('/sign-in');
      return;
    }
    setFailed(true);
    setPending(false);
  }

  return (
    <div className="account-controls">
      <span className="account-email" title="Signed in as">
        {email}
      </span>
      <Link href={CHANGE_PASSWORD_PATH}>Change password</Link>
      <button type="button" onClick={() => signOut(false)} disabled={pending}>
        Sign out
      </button>
      <button
        type="button"
        onClick={() => signOut(true)}
        disabled={pending}
        title="End every session of this account, in every browser"
      >
        Sign out everywhere
      </button>
      {failed ? <span role="alert">Sign-out failed; try again.</span> : null}
    </div>
  );
}

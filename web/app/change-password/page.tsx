/**
 * `/change-password`: a signed-in person sets a new password. A session signed in with a
 * temporary password is sent here from every other page (requireSignedInUser) and goes on to
 * `?next=` once it has set one.
 */
import type { Metadata } from 'next';
import { AppHeader } from '../../src/components/AppHeader.tsx';
import { ChangePasswordForm } from '../../src/features/auth/components/ChangePasswordForm.tsx';
import { TEMPORARY_PASSWORD_LIFETIME_SECONDS } from '../../src/features/auth/constants.ts';
import { safeNextPath } from '../../src/features/auth/safeNextPath.ts';
import { requireSignedInUser } from '../../src/server/access/requireAccess.ts';
import { firstParam, type SearchParams } from '../../src/server/project.ts';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Change password · Sightline' };

export default async function ChangePasswordPage({
  searchParams,
}: {
  searchParams: Promise<SearchParams>;
}) {
  const user = await requireSignedInUser({ allowPasswordChangeRequired: true });
  const next = safeNextPath(firstParam(await searchParams, 'next'));
  const required = user.passwordChangeRequired === true;
  return (
    <>
      <AppHeader email={user.email} />
      <main className="sign-in-page">
        <h1>{required ? 'Set a new password' : 'Change password'}</h1>
        {required ? (
          <p className="muted">
            You signed in with a temporary password, which someone else has seen. Choose a password
            of your own to continue: until then Sightline shows you nothing else, and the temporary
            password stops working {TEMPORARY_PASSWORD_LIFETIME_SECONDS / 86_400} days after it was
            issued. Setting it signs out every other session of your account.
          </p>
        ) : (
          <p className="muted">
            Changing your password signs out every other session of your account.
          </p>
        )}
        <ChangePasswordForm required={required} next={next} />
      </main>
    </>
  );
}

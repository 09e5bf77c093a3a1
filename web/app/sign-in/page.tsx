/** `/sign-in`: the sign-in form; a signed-in visitor goes straight on to `?next=`. */
import { redirect } from 'next/navigation';
import type { Metadata } from 'next';
import { serverEnv } from '../../../functions/config/env.ts';
import { SignInForm } from '../../src/features/auth/components/SignInForm.tsx';
import { oidcConfigured } from '../../src/features/auth/server/auth.ts';
import { safeNextPath } from '../../src/features/auth/safeNextPath.ts';
import { currentUser } from '../../src/server/access/principals.ts';
import { firstParam, type SearchParams } from '../../src/server/project.ts';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign in · Sightline' };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<SearchParams>;
}) {
  const next = safeNextPath(firstParam(await searchParams, 'next'));
  if (await currentUser()) redirect(next);
  const env = serverEnv();
  return (
    <main className="sign-in-page">
      <h1>Sightline</h1>
      <p className="muted">Sign in to see your projects.</p>
      <SignInForm
        next={next}
        ssoLabel={oidcConfigured(env) ? env.SIGHTLINE_OIDC_PROVIDER_NAME : null}
      />
    </main>
  );
}

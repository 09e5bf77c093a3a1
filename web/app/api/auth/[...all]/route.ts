/**
 * better-auth's endpoints (/api/auth/*): sign-in, sign-out, sessions, the OIDC callback.
 * Before better-auth sees a POST, it must come from this app's own pages (better-auth checks
 * Origin only when cookies are sent, which leaves sign-in itself open to login CSRF), and an
 * email sign-in is counted against the per-email limit: its body is read as better-auth will
 * read it, and one that is not JSON is refused (signInBody.ts).
 */
import { serverEnv } from '../../../../../functions/config/env.ts';
import { getAuth } from '../../../../src/features/auth/server/auth.ts';
import {
  readSignInEmail,
  SignInBodyError,
} from '../../../../src/features/auth/server/signInBody.ts';
import { recordSignInAttempt } from '../../../../src/features/auth/server/signInThrottle.ts';
import { isSameOriginRequest } from '../../../../src/server/access/sameOrigin.ts';
import { controlPlane } from '../../../../src/server/controlPlane.ts';

export const dynamic = 'force-dynamic';

const json = (status: number, code: string, message: string, headers?: HeadersInit) =>
  Response.json({ error: { code, message } }, { status, headers });

/**
 * better-auth's router also matches `/sign-in/email/` and `/sign-in//email`, which an exact
 * check for the sign-in path (here and in its per-address rules) would miss: such paths are
 * refused rather than normalised.
 */
function isCanonicalPath(pathname: string): boolean {
  return !pathname.includes('//') && !pathname.endsWith('/');
}

export async function GET(request: Request): Promise<Response> {
  if (!isCanonicalPath(new URL(request.url).pathname)) {
    return json(404, 'NOT_FOUND', 'Not found.');
  }
  return getAuth().handler(request);
}

export async function POST(request: Request): Promise<Response> {
  if (!isSameOriginRequest(request)) {
    return json(403, 'FORBIDDEN', 'Cross-origin request refused.');
  }
  const { pathname } = new URL(request.url);
  if (!isCanonicalPath(pathname)) return json(404, 'NOT_FOUND', 'Not found.');
  if (pathname === '/api/auth/sign-in/email') {
    let email: string;
    try {
      email = await readSignInEmail(request);
    } catch (error) {
      if (!(error instanceof SignInBodyError)) throw error;
      return json(error.status, error.code, error.message);
    }
    const decision = await recordSignInAttempt(controlPlane().authRecords, {
      email,
      maxAttempts: serverEnv().SIGHTLINE_SIGN_IN_MAX_ATTEMPTS,
      windowSeconds: serverEnv().SIGHTLINE_SIGN_IN_WINDOW_SECONDS,
    });
    if (!decision.allowed) {
      return json(429, 'RATE_LIMITED', 'Too many sign-in attempts. Try again later.', {
        'retry-after': String(decision.retryAfterSeconds),
      });
    }
  }
  return getAuth().handler(request);
}

/**
 * better-auth's endpoints (/api/auth/*): sign-in, sign-out, sessions, the OIDC callback.
 * Before better-auth sees a POST, it must come from this app's own pages (better-auth checks
 * Origin only when cookies are sent, which leaves sign-in itself open to login CSRF), and an
 * email sign-in is counted against the per-email limit.
 */
import { serverEnv } from '../../../../../functions/config/env.ts';
import { getAuth } from '../../../../src/features/auth/server/auth.ts';
import { recordSignInAttempt } from '../../../../src/features/auth/server/signInThrottle.ts';
import { isSameOriginRequest } from '../../../../src/server/access/sameOrigin.ts';
import { controlPlane } from '../../../../src/server/controlPlane.ts';

export const dynamic = 'force-dynamic';

const json = (status: number, code: string, message: string, headers?: HeadersInit) =>
  Response.json({ error: { code, message } }, { status, headers });

async function emailOf(request: Request): Promise<string | undefined> {
  try {
    const body = (await request.clone().json()) as { email?: unknown };
    return typeof body.email === 'string' ? body.email : undefined;
  } catch {
    return undefined;
  }
}

export async function GET(request: Request): Promise<Response> {
  return getAuth().handler(request);
}

export async function POST(request: Request): Promise<Response> {
  if (!isSameOriginRequest(request)) {
    return json(403, 'FORBIDDEN', 'Cross-origin request refused.');
  }
  if (new URL(request.url).pathname === '/api/auth/sign-in/email') {
    const email = await emailOf(request);
    if (email) {
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
  }
  return getAuth().handler(request);
}

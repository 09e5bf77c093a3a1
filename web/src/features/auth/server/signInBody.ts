/**
 * Reads the email of an email sign-in (`POST /api/auth/sign-in/email`) from the body exactly
 * as better-auth will parse it, so the per-email limit counts every attempt better-auth
 * judges. better-auth (better-call's getBody) also accepts form-encoded and multipart bodies,
 * which a JSON-only reader once let through uncounted (security review 10, finding 1); the
 * app's own form sends JSON, so anything else is refused before better-auth sees it.
 */

export class SignInBodyError extends Error {
  readonly status: 400 | 415;
  readonly code: 'INVALID_REQUEST' | 'UNSUPPORTED_MEDIA_TYPE';

  constructor(status: 400 | 415, message: string) {
    super(message);
    this.name = 'SignInBodyError';
    this.status = status;
    this.code = status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'INVALID_REQUEST';
  }
}

/**
 * better-call parses a body as JSON exactly when its Content-Type contains this (case
 * sensitive, anywhere in the header); every body it would parse otherwise is refused.
 */
const JSON_MEDIA_TYPE = 'application/json';

/** The email a sign-in body names; throws SignInBodyError for any body better-auth would read differently. */
export async function readSignInEmail(request: Request): Promise<string> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!contentType.includes(JSON_MEDIA_TYPE)) {
    throw new SignInBodyError(
      415,
      'Email sign-in takes a JSON body (Content-Type: application/json).',
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(await request.clone().text());
  } catch {
    throw new SignInBodyError(400, 'The sign-in body is not valid JSON.');
  }
  const email = (body as { email?: unknown } | null)?.email;
  if (typeof email !== 'string' || email.trim() === '') {
    throw new SignInBodyError(400, 'The sign-in body needs an email and a password.');
  }
  return email;
}

/**
 * A signed-in session for plain HTTP requests (no browser): signs in through the web app's
 * own endpoint, as the sign-in form does, and returns the Cookie header to send. Also replaces
 * the temporary password of a person an admin added.
 */
export async function signInForCookie(
  baseUrl: string,
  credentials: { email: string; password: string },
): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify(credentials),
  });
  if (!response.ok)
    throw new Error(`sign-in refused: ${response.status} ${(await response.text()).slice(0, 300)}`);
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .join('; ');
  if (!cookie) throw new Error('sign-in set no cookie');
  return cookie;
}

/**
 * What a person added by an admin does first: signs in with the temporary password they were
 * given and sets `newPassword` in its place (until then the app lets them do nothing else).
 * Returns the credentials to sign in with from now on.
 */
export async function replaceTemporaryPassword(
  baseUrl: string,
  temporary: { email: string; password: string },
  newPassword = `${temporary.password}-chosen`,
): Promise<{ email: string; password: string }> {
  const cookie = await signInForCookie(baseUrl, temporary);
  const response = await fetch(`${baseUrl}/api/v1/me/password`, {
    method: 'POST',
    headers: { cookie, origin: baseUrl, 'content-type': 'application/json' },
    body: JSON.stringify({ currentPassword: temporary.password, newPassword }),
  });
  if (response.status !== 204) {
    throw new Error(
      `password change refused: ${response.status} ${(await response.text()).slice(0, 300)}`,
    );
  }
  return { email: temporary.email, password: newPassword };
}

/** Fixed admin credentials for stacks started by tests and benchmarks. */
export const TEST_ADMIN = {
  email: 'admin@sightline.test',
  password: 'correct-horse-battery-staple-42',
} as const;

export const testAdminEnv = (): Record<string, string> => ({
  SIGHTLINE_ADMIN_EMAIL: TEST_ADMIN.email,
  SIGHTLINE_ADMIN_PASSWORD: TEST_ADMIN.password,
});

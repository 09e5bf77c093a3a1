/**
 * How settings forms call the project's `/api/v1` routes from the browser: JSON in, JSON out,
 * the API's error message surfaced as is. Same-origin fetches carry the session cookie and
 * the Origin header the server's CSRF check wants.
 */
export class SettingsRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsRequestError';
  }
}

export async function settingsRequest<T>(
  method: 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const payload = (await response.json().catch(() => ({}))) as {
    error?: { message?: string; issues?: Array<{ message: string }> };
  };
  if (!response.ok) {
    const issues = payload.error?.issues?.map((issue) => issue.message).join('; ');
    throw new SettingsRequestError(
      [payload.error?.message ?? `Request failed (${response.status})`, issues]
        .filter(Boolean)
        .join(' '),
    );
  }
  return payload as T;
}

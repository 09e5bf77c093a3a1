/** Paths of the explore pages of a project; every id from data is encoded. */

/** A path segment for any text: `.` and `..` are encoded too, or the browser would resolve them. */
export function pathSegment(text: string): string {
  return text === '.' || text === '..' ? text.replaceAll('.', '%2E') : encodeURIComponent(text);
}

export function projectPath(projectId: string, ...segments: string[]): string {
  return ['', 'projects', projectId, ...segments]
    .map((part, index) => (index < 2 ? part : pathSegment(part)))
    .join('/');
}

export const explorePaths = {
  overview: (projectId: string) => projectPath(projectId, 'overview'),
  traces: (projectId: string) => projectPath(projectId, 'traces'),
  trace: (projectId: string, traceId: string) => projectPath(projectId, 'traces', traceId),
  users: (projectId: string) => projectPath(projectId, 'users'),
  user: (projectId: string, userId: string) => projectPath(projectId, 'users', userId),
  session: (projectId: string, sessionId: string) => projectPath(projectId, 'sessions', sessionId),
  prompts: (projectId: string) => projectPath(projectId, 'prompts'),
};

/**
 * A dynamic route segment as the app router hands it over: Next.js passes some characters
 * still percent-encoded, so decode once, and keep the text as given when it is not valid
 * percent-encoding (an id may contain a bare `%`).
 */
export function pathParam(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

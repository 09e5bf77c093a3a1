/**
 * Who is asking: the signed-in user of this request, and a user's role in a project.
 * PROVISIONAL (first commit so pages can build on requireAccess): a fixed local admin until
 * the better-auth sessions and the memberships table land.
 */
import type { Principal } from './requireAccess.ts';
import type { Role } from './permissions.ts';

export async function currentUser(): Promise<Principal | null> {
  return { kind: 'user', userId: 'local-admin', email: 'admin@localhost' };
}

export async function findProjectRole(_userId: string, _projectId: string): Promise<Role | null> {
  return 'admin';
}

export interface AuthenticatedRequest {
  principal: Principal;
  via: 'session' | 'api_token';
  /** For API tokens: the one project the token belongs to, and its permission scopes. */
  tokenProjectId?: string;
  scopes?: readonly import('./permissions.ts').Permission[];
}

export async function authenticateRequest(_request: Request): Promise<AuthenticatedRequest | null> {
  const principal = await currentUser();
  return principal ? { principal, via: 'session' } : null;
}

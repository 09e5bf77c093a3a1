/**
 * The one place pages and server actions get a project's access from: who is signed in, their
 * role in the project, and whether that role holds the permission asked for.
 */
import { forbidden, notFound, redirect } from 'next/navigation';
import { headers } from 'next/headers';
import { can, type Permission, type Role } from './permissions.ts';
import { currentUser, findProjectRole } from './principals.ts';
import { CHANGE_PASSWORD_PATH, PATH_HEADER } from '../../features/auth/constants.ts';
import { safeNextPath } from '../../features/auth/safeNextPath.ts';

export interface Principal {
  kind: 'user' | 'api_token';
  userId: string;
  email?: string;
  tokenId?: string;
  /** For API tokens: when the token expires (ISO 8601); a token it creates may not outlive it. */
  tokenExpiresAt?: string;
  /**
   * For a session signed in with a temporary password: it may only set a new password (pages
   * redirect to /change-password, `/api/v1` answers 403 PASSWORD_CHANGE_REQUIRED).
   */
  passwordChangeRequired?: boolean;
}

export interface ProjectAccess {
  principal: Principal;
  projectId: string;
  role: Role;
  /**
   * For API tokens: the permissions the token was created with. The token may use a
   * permission only when it is in this list AND its creator's current role holds it.
   */
  scopes?: readonly Permission[];
}

/** Whether an access holds a permission: the role's grant, narrowed by a token's scopes. */
export function allows(access: ProjectAccess, permission: Permission): boolean {
  if (!can(access.role, permission)) return false;
  return access.scopes === undefined || access.scopes.includes(permission);
}

/** The path and query of the page being rendered, for `?next=` after sign-in. */
async function currentPath(): Promise<string> {
  const requestHeaders = await headers();
  return safeNextPath(requestHeaders.get(PATH_HEADER));
}

/**
 * For pages that need a signed-in user but no project (the project picker, `/`), and through
 * requirePageAccess for every other page: the one place pages send a session signed in with a
 * temporary password to /change-password (and back to this page afterwards). Only that page
 * passes `allowPasswordChangeRequired`.
 */
export async function requireSignedInUser(
  options: { allowPasswordChangeRequired?: boolean } = {},
): Promise<Principal> {
  const user = await currentUser();
  if (!user) redirect(`/sign-in?${new URLSearchParams({ next: await currentPath() })}`);
  if (user.passwordChangeRequired && !options.allowPasswordChangeRequired) {
    redirect(`${CHANGE_PASSWORD_PATH}?${new URLSearchParams({ next: await currentPath() })}`);
  }
  return user;
}

/**
 * For server components/pages: redirect to /sign-in?next=… when signed out; notFound() when the
 * user is no member of the project (never reveal that it exists); a 403 page when the role lacks it.
 */
export async function requirePageAccess(
  projectId: string,
  permission: Permission,
): Promise<ProjectAccess> {
  const principal = await requireSignedInUser();
  const role = await findProjectRole(principal.userId, projectId);
  if (!role) notFound();
  const access: ProjectAccess = { principal, projectId, role };
  if (!allows(access, permission)) forbidden();
  return access;
}

/**
 * For server actions: the same checks as requirePageAccess. Server actions are POSTs that
 * Next.js already refuses when Origin and Host differ (its CSRF check); this adds the role.
 */
export const requireActionAccess = requirePageAccess;

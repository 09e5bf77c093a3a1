/**
 * Who is asking: the signed-in user of a request (better-auth session cookie) or the API
 * token it presents, and a user's role in a project (memberships table). A session signed in
 * with a temporary password is marked `passwordChangeRequired`, and is no session at all once
 * that password has expired.
 */
import { cache } from 'react';
import { headers } from 'next/headers';
import { ProjectIdSchema } from '@sightline/sdk/contract';
import { getAuth } from '../../features/auth/server/auth.ts';
import { sessionRestriction } from '../../features/auth/server/temporaryPasswords.ts';
import { controlPlane } from '../controlPlane.ts';
import { isPermission, isRole, type Permission, type Role } from './permissions.ts';
import type { Principal } from './requireAccess.ts';

export interface AuthenticatedRequest {
  principal: Principal;
  via: 'session' | 'api_token';
  /** For API tokens: the one project the token belongs to, and its permission scopes. */
  tokenProjectId?: string;
  scopes?: readonly Permission[];
}

async function sessionPrincipal(requestHeaders: Headers): Promise<Principal | null> {
  const session = await getAuth().api.getSession({ headers: requestHeaders });
  if (!session) return null;
  const restriction = sessionRestriction(session.session);
  if (restriction === 'expired') return null;
  return {
    kind: 'user',
    userId: session.user.id,
    email: session.user.email,
    ...(restriction === 'password_change_required' ? { passwordChangeRequired: true } : {}),
  };
}

/** The signed-in user of the request being rendered (looked up once per request). */
export const currentUser = cache(async (): Promise<Principal | null> => {
  return sessionPrincipal(await headers());
});

/** The user's role in the project, or null when they are no member (or the id is malformed). */
export const findProjectRole = cache(
  async (userId: string, projectId: string): Promise<Role | null> => {
    if (!ProjectIdSchema.safeParse(projectId).success) return null;
    const membership = await controlPlane().memberships.getMembershipForAccess(projectId, userId);
    return membership && isRole(membership.role) ? membership.role : null;
  },
);

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Authenticates an API request: `Authorization: Bearer <token>` when present, else the session cookie. */
export async function authenticateRequest(request: Request): Promise<AuthenticatedRequest | null> {
  const authorization = request.headers.get('authorization');
  if (authorization) {
    const token = BEARER.exec(authorization)?.[1];
    if (!token) return null;
    const item = await controlPlane().apiTokens.verifyToken(token);
    if (!item) return null;
    return {
      principal: {
        kind: 'api_token',
        userId: item.createdBy,
        tokenId: item.tokenId,
        tokenExpiresAt: item.expiresAt,
      },
      via: 'api_token',
      tokenProjectId: item.projectId,
      scopes: item.scopes.filter(isPermission),
    };
  }
  const principal = await sessionPrincipal(request.headers);
  return principal ? { principal, via: 'session' } : null;
}

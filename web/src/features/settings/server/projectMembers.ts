/**
 * A project's members: listing with their emails, adding by email (creating the user with a
 * temporary password when none exists, or issuing a new one to an account still under one that
 * belongs to no other project), changing roles and removing — never leaving the
 * project without an admin (MembershipsRepository decides that, atomically, and this maps its
 * refusal to CONFLICT). A caller grants no role holding a permission the caller lacks
 * (for an API token: beyond its scopes), and an API token creates no accounts, since the new
 * account's password would reach a program rather than a person.
 */
import type { z } from 'zod';
import {
  createPasswordUser,
  findUserByEmail,
  findUserById,
  generatePassword,
  reissueTemporaryPassword,
} from '../../../../../functions/control/authUsers.ts';
import { isControlPlaneError } from '../../../../../functions/control/errors.ts';
import { ApiError } from '../../../server/api/apiErrors.ts';
import { permissionsOf, type Role } from '../../../server/access/permissions.ts';
import { allows, type ProjectAccess } from '../../../server/access/requireAccess.ts';
import type { ControlPlane } from '../../../server/controlPlane.ts';
import type { MemberSchema } from '../api/operations.ts';

export type Member = z.infer<typeof MemberSchema>;

export async function listMembers(plane: ControlPlane, projectId: string): Promise<Member[]> {
  const memberships = await plane.memberships.listProjectMembers(projectId);
  const members = await Promise.all(
    memberships.map(async (membership) => {
      const user = await findUserById(plane.authRecords, membership.userId);
      return {
        userId: membership.userId,
        email: user?.email ?? '(deleted user)',
        name: user?.name ?? '',
        role: membership.role,
        createdAt: membership.createdAt,
      };
    }),
  );
  return members.sort((a, b) => a.email.localeCompare(b.email));
}

/** The repository's refusals of a membership change, as the API answers them. */
async function changingMembership<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (isControlPlaneError(error, 'LAST_ADMIN')) {
      throw new ApiError(
        'CONFLICT',
        'A project keeps at least one admin: make someone else admin first.',
      );
    }
    if (isControlPlaneError(error, 'MEMBERSHIP_CONTENTION')) {
      throw new ApiError('CONFLICT', 'This member was changed meanwhile: try again.');
    }
    throw error;
  }
}

/** Refuses a role holding a permission the caller lacks: `members:manage` is no way around scopes. */
function assertCallerMayGrant(access: ProjectAccess, role: Role): void {
  const beyond = permissionsOf(role).filter((permission) => !allows(access, permission));
  if (beyond.length > 0) {
    throw new ApiError(
      'FORBIDDEN',
      `The ${role} role holds permissions this caller lacks: ${beyond.join(', ')}.`,
    );
  }
}

/**
 * Whether adding an existing account may give it a new temporary password: a signed-in caller
 * (as for creating one), and an account that belongs to no project but this one, so no admin
 * can take over an account someone uses elsewhere. Whether its password is still temporary is
 * decided by the write itself (reissueTemporaryPassword).
 */
async function mayReissueTemporaryPassword(
  plane: ControlPlane,
  access: ProjectAccess,
  userId: string,
): Promise<boolean> {
  if (access.principal.kind === 'api_token') return false;
  const memberships = await plane.memberships.listUserMemberships(userId);
  return memberships.every((membership) => membership.projectId === access.projectId);
}

export async function addMember(
  plane: ControlPlane,
  access: ProjectAccess,
  input: { email: string; role: Role },
): Promise<{ member: Member; temporaryPassword?: string }> {
  assertCallerMayGrant(access, input.role);
  const projectId = access.projectId;
  let user = await findUserByEmail(plane.authRecords, input.email);
  let temporaryPassword: string | undefined;
  if (!user) {
    if (access.principal.kind === 'api_token') {
      throw new ApiError(
        'FORBIDDEN',
        'An API token cannot create accounts: a signed-in admin adds people who have none yet.',
      );
    }
    temporaryPassword = generatePassword();
    user = await createPasswordUser(plane.authRecords, {
      email: input.email,
      password: temporaryPassword,
      // The admin sees it: it only lets the person set their own, and expires (docs/security.md).
      temporary: true,
    });
  }
  const membership = await changingMembership(() =>
    plane.memberships.putMembership(projectId, user.id, input.role),
  );
  if (!temporaryPassword && (await mayReissueTemporaryPassword(plane, access, user.id))) {
    const reissued = generatePassword();
    if (await reissueTemporaryPassword(plane.authRecords, user.id, reissued)) {
      temporaryPassword = reissued;
    }
  }
  return {
    member: {
      userId: user.id,
      email: user.email,
      name: user.name,
      role: membership.role,
      createdAt: membership.createdAt,
    },
    ...(temporaryPassword ? { temporaryPassword } : {}),
  };
}

export async function updateMemberRole(
  plane: ControlPlane,
  access: ProjectAccess,
  input: { userId: string; role: Role },
): Promise<Member> {
  assertCallerMayGrant(access, input.role);
  const projectId = access.projectId;
  const existing = await plane.memberships.getMembership(projectId, input.userId);
  if (!existing) throw new ApiError('NOT_FOUND', 'No such member.');
  const membership = await changingMembership(() =>
    plane.memberships.putMembership(projectId, input.userId, input.role),
  );
  const user = await findUserById(plane.authRecords, input.userId);
  return {
    userId: input.userId,
    email: user?.email ?? '(deleted user)',
    name: user?.name ?? '',
    role: membership.role,
    createdAt: membership.createdAt,
  };
}

export async function removeMember(
  plane: ControlPlane,
  input: { projectId: string; userId: string },
): Promise<void> {
  const removed = await changingMembership(() =>
    plane.memberships.removeMembership(input.projectId, input.userId),
  );
  if (!removed) throw new ApiError('NOT_FOUND', 'No such member.');
}

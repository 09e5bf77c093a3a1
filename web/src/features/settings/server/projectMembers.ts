/**
 * A project's members: listing with their emails, adding by email (creating the user with a
 * one-time password when none exists), changing roles and removing — never leaving the
 * project without an admin.
 */
import type { z } from 'zod';
import {
  createPasswordUser,
  findUserByEmail,
  findUserById,
  generatePassword,
} from '../../../../../functions/control/authUsers.ts';
import { ApiError } from '../../../server/api/apiErrors.ts';
import type { Role } from '../../../server/access/permissions.ts';
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

async function assertAnotherAdminRemains(plane: ControlPlane, projectId: string, userId: string) {
  const members = await plane.memberships.listProjectMembers(projectId);
  const otherAdmins = members.filter((m) => m.role === 'admin' && m.userId !== userId);
  if (otherAdmins.length === 0) {
    throw new ApiError(
      'CONFLICT',
      'A project keeps at least one admin: make someone else admin first.',
    );
  }
}

export async function addMember(
  plane: ControlPlane,
  input: { projectId: string; email: string; role: Role },
): Promise<{ member: Member; temporaryPassword?: string }> {
  let user = await findUserByEmail(plane.authRecords, input.email);
  let temporaryPassword: string | undefined;
  if (!user) {
    temporaryPassword = generatePassword();
    user = await createPasswordUser(plane.authRecords, {
      email: input.email,
      password: temporaryPassword,
    });
  }
  const existing = await plane.memberships.getMembership(input.projectId, user.id);
  if (existing?.role === 'admin' && input.role !== 'admin') {
    await assertAnotherAdminRemains(plane, input.projectId, user.id);
  }
  const membership = await plane.memberships.putMembership(input.projectId, user.id, input.role);
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
  input: { projectId: string; userId: string; role: Role },
): Promise<Member> {
  const existing = await plane.memberships.getMembership(input.projectId, input.userId);
  if (!existing) throw new ApiError('NOT_FOUND', 'No such member.');
  if (existing.role === 'admin' && input.role !== 'admin') {
    await assertAnotherAdminRemains(plane, input.projectId, input.userId);
  }
  const membership = await plane.memberships.putMembership(
    input.projectId,
    input.userId,
    input.role,
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
  const existing = await plane.memberships.getMembership(input.projectId, input.userId);
  if (!existing) throw new ApiError('NOT_FOUND', 'No such member.');
  if (existing.role === 'admin')
    await assertAnotherAdminRemains(plane, input.projectId, input.userId);
  await plane.memberships.removeMembership(input.projectId, input.userId);
}

/** /api/v1/projects/{projectId}/members/{userId}: change a member's role, remove a member. */
import { apiRoute } from '../../../../../../../src/server/api/apiRoute.ts';
import { controlPlane } from '../../../../../../../src/server/controlPlane.ts';
import {
  removeMemberOperation,
  updateMemberOperation,
} from '../../../../../../../src/features/settings/api/operations.ts';
import {
  removeMember,
  updateMemberRole,
} from '../../../../../../../src/features/settings/server/projectMembers.ts';

export const dynamic = 'force-dynamic';

export const PATCH = apiRoute(updateMemberOperation, async ({ access, body, params }) => ({
  member: await updateMemberRole(controlPlane(), access, {
    userId: params.userId ?? '',
    role: body.role,
  }),
}));

export const DELETE = apiRoute(removeMemberOperation, async ({ access, params }) => {
  await removeMember(controlPlane(), { projectId: access.projectId, userId: params.userId ?? '' });
  return null;
});

/** /api/v1/projects/{projectId}/members: list and add members. */
import { apiRoute } from '../../../../../../src/server/api/apiRoute.ts';
import { controlPlane } from '../../../../../../src/server/controlPlane.ts';
import {
  addMemberOperation,
  listMembersOperation,
} from '../../../../../../src/features/settings/api/operations.ts';
import {
  addMember,
  listMembers,
} from '../../../../../../src/features/settings/server/projectMembers.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(listMembersOperation, async ({ access }) => ({
  members: await listMembers(controlPlane(), access.projectId),
}));

export const POST = apiRoute(addMemberOperation, async ({ access, body }) =>
  addMember(controlPlane(), access, { email: body.email, role: body.role }),
);

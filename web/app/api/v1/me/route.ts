/** /api/v1/me: who the caller is and which projects it reaches. */
import { principalRoute } from '../../../../src/server/api/apiRoute.ts';
import { controlPlane } from '../../../../src/server/controlPlane.ts';
import { getMeOperation } from '../../../../src/features/auth/api/operations.ts';
import { isRole } from '../../../../src/server/access/permissions.ts';

export const dynamic = 'force-dynamic';

export const GET = principalRoute(getMeOperation, async ({ principal, tokenProjectId }) => {
  const passwordChangeRequired = principal.passwordChangeRequired === true;
  // A session under a temporary password reaches no project until it sets a new password.
  const memberships = passwordChangeRequired
    ? []
    : await controlPlane().memberships.listUserMemberships(principal.userId);
  const projects = memberships
    // A token reaches its own project only.
    .filter((m) => tokenProjectId === undefined || m.projectId === tokenProjectId)
    .flatMap((m) => (isRole(m.role) ? [{ projectId: m.projectId, role: m.role }] : []));
  return { ...principal, passwordChangeRequired, projects };
});

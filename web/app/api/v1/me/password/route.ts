/** /api/v1/me/password: the signed-in person sets a new password. */
import { principalRoute } from '../../../../../src/server/api/apiRoute.ts';
import { changePasswordOperation } from '../../../../../src/features/auth/api/operations.ts';
import { changePassword } from '../../../../../src/features/auth/server/changePassword.ts';

export const dynamic = 'force-dynamic';

export const POST = principalRoute(changePasswordOperation, async ({ principal, body, request }) =>
  changePassword({ principal, ...body, requestHeaders: request.headers }),
);

/** `/api/v1` operations of the auth feature: who the caller is. */
import { z } from 'zod';
import { ROLES } from '../../../server/access/permissions.ts';
import { defineOperation } from '../../../server/api/operations.ts';

export const MeResponseSchema = z.object({
  kind: z.enum(['user', 'api_token']),
  userId: z.string(),
  email: z.string().optional(),
  tokenId: z.string().optional(),
  projects: z.array(z.object({ projectId: z.string(), role: z.enum(ROLES) })),
});

export const getMeOperation = defineOperation({
  id: 'getMe',
  method: 'GET',
  path: '/api/v1/me',
  summary: 'The authenticated principal and the projects it can reach, with its role in each.',
  tag: 'Account',
  permission: null,
  response: MeResponseSchema,
});

export const authOperations = [getMeOperation];

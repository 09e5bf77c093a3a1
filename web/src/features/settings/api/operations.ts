/**
 * `/api/v1` operations of a project's settings: members and their roles, ingest keys, API
 * tokens. All need an admin permission; secrets (a new ingest key, a new API token, a new
 * member's first password) appear once, in the response that created them.
 */
import { z } from 'zod';
import { KeyIdSchema } from '@sightline/sdk/contract';
import {
  ApiTokenIdSchema,
  MemberUserIdSchema,
} from '../../../../../functions/control/controlPlaneTables.ts';
import { PERMISSIONS, ROLES } from '../../../server/access/permissions.ts';
import { defineOperation } from '../../../server/api/operations.ts';

const PROJECT_PATH = '/api/v1/projects/{projectId}';

/** Path ids, checked as the app makes them before they reach a DynamoDB key. */
const MemberPathSchema = z.object({ userId: MemberUserIdSchema });
const IngestKeyPathSchema = z.object({ keyId: KeyIdSchema });
const ApiTokenPathSchema = z.object({ tokenId: ApiTokenIdSchema });

export const MemberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  createdAt: z.string(),
});

export const listMembersOperation = defineOperation({
  id: 'listMembers',
  method: 'GET',
  path: `${PROJECT_PATH}/members`,
  summary: 'The project’s members and their roles.',
  tag: 'Admin',
  permission: 'members:manage',
  response: z.object({ members: z.array(MemberSchema) }),
});

export const addMemberOperation = defineOperation({
  id: 'addMember',
  method: 'POST',
  path: `${PROJECT_PATH}/members`,
  summary: 'Adds a person by email with a role (or changes the role of a member).',
  description:
    'When no user has this email yet, one is created with a generated password, returned once as `temporaryPassword`: it works for 7 days and only to sign in and set a new password (POST /api/v1/me/password; until then every other operation answers 403 PASSWORD_CHANGE_REQUIRED). Adding an email whose account is still under a temporary password, and belongs to no other project, issues a new one (returned once as `temporaryPassword`; the old one stops working and the account’s sessions end); a signed-in admin only. An API token cannot create users (403). The role may hold no permission the caller lacks (for a token: beyond its scopes), or 403.',
  tag: 'Admin',
  permission: 'members:manage',
  body: z.object({ email: z.email().max(320), role: z.enum(ROLES) }),
  response: z.object({ member: MemberSchema, temporaryPassword: z.string().optional() }),
  successStatus: 201,
});

export const updateMemberOperation = defineOperation({
  id: 'updateMember',
  method: 'PATCH',
  path: `${PROJECT_PATH}/members/{userId}`,
  summary: 'Changes a member’s role.',
  description:
    'The role may hold no permission the caller lacks (for a token: beyond its scopes), or 403.',
  tag: 'Admin',
  permission: 'members:manage',
  params: MemberPathSchema,
  body: z.object({ role: z.enum(ROLES) }),
  response: z.object({ member: MemberSchema }),
});

export const removeMemberOperation = defineOperation({
  id: 'removeMember',
  method: 'DELETE',
  path: `${PROJECT_PATH}/members/{userId}`,
  summary: 'Removes a member from the project.',
  tag: 'Admin',
  permission: 'members:manage',
  params: MemberPathSchema,
  response: z.null(),
  successStatus: 204,
});

export const IngestKeySchema = z.object({
  keyId: z.string(),
  status: z.enum(['active', 'revoked']),
  createdAt: z.string(),
});

const NewIngestKeySchema = z.object({
  key: IngestKeySchema,
  /** The HMAC secret producers sign with; shown only in this response. */
  secret: z.string(),
});

export const listIngestKeysOperation = defineOperation({
  id: 'listIngestKeys',
  method: 'GET',
  path: `${PROJECT_PATH}/ingest-keys`,
  summary: 'The project’s ingest keys (never their secrets).',
  tag: 'Admin',
  permission: 'ingest_keys:manage',
  response: z.object({ keys: z.array(IngestKeySchema) }),
});

export const createIngestKeyOperation = defineOperation({
  id: 'createIngestKey',
  method: 'POST',
  path: `${PROJECT_PATH}/ingest-keys`,
  summary: 'Creates an ingest key; its secret is in this response only.',
  tag: 'Admin',
  permission: 'ingest_keys:manage',
  response: NewIngestKeySchema,
  successStatus: 201,
});

export const rotateIngestKeyOperation = defineOperation({
  id: 'rotateIngestKey',
  method: 'POST',
  path: `${PROJECT_PATH}/ingest-keys/{keyId}/rotate`,
  summary: 'Replaces an active key with a new one and revokes the old one.',
  tag: 'Admin',
  permission: 'ingest_keys:manage',
  params: IngestKeyPathSchema,
  response: NewIngestKeySchema,
  successStatus: 201,
});

export const revokeIngestKeyOperation = defineOperation({
  id: 'revokeIngestKey',
  method: 'DELETE',
  path: `${PROJECT_PATH}/ingest-keys/{keyId}`,
  summary: 'Revokes an ingest key: records signed with it are refused.',
  tag: 'Admin',
  permission: 'ingest_keys:manage',
  params: IngestKeyPathSchema,
  response: z.null(),
  successStatus: 204,
});

export const ApiTokenSchema = z.object({
  tokenId: z.string(),
  name: z.string(),
  scopes: z.array(z.enum(PERMISSIONS)),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  status: z.enum(['active', 'expired', 'revoked']),
  parentTokenId: z
    .string()
    .optional()
    .describe('The API token that created this one; revoking that token revokes this one.'),
});

export const MAX_TOKEN_DAYS = 365;

export const listApiTokensOperation = defineOperation({
  id: 'listApiTokens',
  method: 'GET',
  path: `${PROJECT_PATH}/api-tokens`,
  summary: 'The project’s API tokens (never the tokens themselves).',
  tag: 'Admin',
  permission: 'api_tokens:manage',
  response: z.object({ tokens: z.array(ApiTokenSchema) }),
});

export const createApiTokenOperation = defineOperation({
  id: 'createApiToken',
  method: 'POST',
  path: `${PROJECT_PATH}/api-tokens`,
  summary:
    'Creates a token limited to some permissions and an expiry; the token is in this response only.',
  description:
    'Scopes must be permissions the creator holds. A token acts for its creator: it stops working when the creator leaves the project, and it can never exceed the creator’s current role. Created with an API token, its scopes must be among that token’s, it expires no later than that token (a longer `expiresInDays` is cut to it), and it records that token as `parentTokenId`: revoking that token revokes this one. When the calling token is revoked during the request, no token is made (401).',
  tag: 'Admin',
  permission: 'api_tokens:manage',
  body: z.object({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(z.enum(PERMISSIONS)).min(1),
    expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS),
  }),
  response: z.object({ token: z.string(), apiToken: ApiTokenSchema }),
  successStatus: 201,
});

export const revokeApiTokenOperation = defineOperation({
  id: 'revokeApiToken',
  method: 'DELETE',
  path: `${PROJECT_PATH}/api-tokens/{tokenId}`,
  summary: 'Revokes an API token and every token created with it.',
  description:
    'Revocation cascades: the tokens this token created, those they created, and so on, are revoked too (each lists its creator as `parentTokenId`). A token being created with this token at the same moment is either revoked with it or refused. Revoking an already revoked token revokes its descendants again. This web process refuses the revoked tokens at once; another may accept them for up to 5 s (its access cache).',
  tag: 'Admin',
  permission: 'api_tokens:manage',
  params: ApiTokenPathSchema,
  response: z.null(),
  successStatus: 204,
});

export const adminOperations = [
  listMembersOperation,
  addMemberOperation,
  updateMemberOperation,
  removeMemberOperation,
  listIngestKeysOperation,
  createIngestKeyOperation,
  rotateIngestKeyOperation,
  revokeIngestKeyOperation,
  listApiTokensOperation,
  createApiTokenOperation,
  revokeApiTokenOperation,
];

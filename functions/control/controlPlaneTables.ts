/**
 * Item shapes of the control-plane tables in DynamoDB, validated on every read.
 */
import { z } from 'zod';
import { KeyIdSchema, ProjectIdSchema } from '@sightline/sdk/contract';

export const DEFAULT_RETENTION_DAYS = 90;

export const ProjectItemSchema = z.object({
  projectId: ProjectIdSchema,
  name: z.string().min(1).max(200),
  retentionDays: z.number().int().min(1).max(3650).default(DEFAULT_RETENTION_DAYS),
  createdAt: z.string(),
  /** Enrichment policy (redaction, originals, assertions, prices); functions/enrich/policy.ts parses it. */
  policy: z.unknown().optional(),
});

export const IngestKeyStatusSchema = z.enum(['active', 'revoked']);

export const IngestKeyItemSchema = z.object({
  projectId: ProjectIdSchema,
  keyId: KeyIdSchema,
  /** HMAC secret shared with the producer. Encrypted at rest by the table's KMS key. */
  secret: z.string().min(32),
  status: IngestKeyStatusSchema,
  createdAt: z.string(),
});

export type ProjectItem = z.infer<typeof ProjectItemSchema>;
export type IngestKeyItem = z.infer<typeof IngestKeyItemSchema>;

/** Project roles; web/src/server/access/permissions.ts says what each may do. */
export const MEMBER_ROLES = ['admin', 'engineer', 'oncall', 'auditor', 'viewer'] as const;
export const MemberRoleSchema = z.enum(MEMBER_ROLES);

/**
 * The memberships table's record of a project's admin count (membershipsRepository.ts), under a
 * sort key no user id can take: user ids never start with `#`.
 */
export const ADMIN_COUNT_USER_ID = '#admins';

/** A member's user id (better-auth makes 32-character ones); also checks ids in API paths. */
export const MemberUserIdSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((userId) => !userId.startsWith('#'), 'A user id never starts with #.');

/**
 * memberships: projectId (HASH) + userId (RANGE); index byUser: userId + projectId. Beside a
 * project's members, one record (userId ADMIN_COUNT_USER_ID) counts its admins.
 */
export const MembershipItemSchema = z.object({
  projectId: ProjectIdSchema,
  userId: MemberUserIdSchema,
  role: MemberRoleSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});

/**
 * Never more than the project's admins: a demotion takes one off before it writes (and only
 * while more than one is left), a promotion adds one after.
 */
export const AdminCountItemSchema = z.object({
  projectId: ProjectIdSchema,
  userId: z.literal(ADMIN_COUNT_USER_ID),
  adminCount: z.number().int().min(0),
});

export const API_TOKEN_PREFIX = 'slt';

/**
 * api-tokens: tokenId (HASH); index byProject: projectId + tokenId. A token is
 * `slt_<tokenId>_<secret>`; only the SHA-256 of the whole token is kept.
 */
export const ApiTokenIdSchema = z.string().regex(/^[A-Za-z0-9]{12,40}$/);

export const ApiTokenItemSchema = z.object({
  tokenId: ApiTokenIdSchema,
  projectId: ProjectIdSchema,
  name: z.string().min(1).max(100),
  tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** Permission names (the web app's matrix); the token can do no more than its creator. */
  scopes: z.array(z.string().min(1)).min(1),
  createdBy: z.string().min(1),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().optional(),
  lastUsedAt: z.string().optional(),
  /** The token that minted this one (with `api_tokens:manage`); revoking it revokes this. */
  parentTokenId: ApiTokenIdSchema.optional(),
  /** The tokens this one minted, added before they are handed out (a DynamoDB string set). */
  childTokenIds: z.set(ApiTokenIdSchema).optional(),
});

/** The models better-auth keeps in the auth table. */
export const AUTH_MODELS = ['user', 'account', 'session', 'verification', 'rateLimit'] as const;

/**
 * auth: one table for better-auth's records, keyed `pk` = `<model>#<id>`, with two lookup
 * indexes whose keys are `<model>#<field>#<value>` for the fields each model is found by, and
 * a TTL attribute on records that expire. The record's own fields sit beside these keys.
 */
export const AuthItemSchema = z
  .object({
    pk: z.string().min(3),
    model: z.enum(AUTH_MODELS),
    id: z.string().min(1),
    lookup1: z.string().optional(),
    lookup2: z.string().optional(),
    ttl: z.number().int().optional(),
  })
  .catchall(z.unknown());

export type MemberRole = z.infer<typeof MemberRoleSchema>;
export type MembershipItem = z.infer<typeof MembershipItemSchema>;
export type AdminCountItem = z.infer<typeof AdminCountItemSchema>;
export type ApiTokenItem = z.infer<typeof ApiTokenItemSchema>;
export type AuthModel = (typeof AUTH_MODELS)[number];
export type AuthItem = z.infer<typeof AuthItemSchema>;

/**
 * A project's ingest keys and API tokens as the settings pages and API show them: never a
 * stored secret, a new secret only in the response that created it.
 */
import type { z } from 'zod';
import type {
  ApiTokenItem,
  IngestKeyItem,
} from '../../../../../functions/control/controlPlaneTables.ts';
import { isControlPlaneError } from '../../../../../functions/control/errors.ts';
import { ApiError } from '../../../server/api/apiErrors.ts';
import { allows, type ProjectAccess } from '../../../server/access/requireAccess.ts';
import { isPermission, type Permission } from '../../../server/access/permissions.ts';
import type { ControlPlane } from '../../../server/controlPlane.ts';
import type { ApiTokenSchema, IngestKeySchema } from '../api/operations.ts';

export type IngestKeyView = z.infer<typeof IngestKeySchema>;
export type ApiTokenView = z.infer<typeof ApiTokenSchema>;

const DAY_MS = 86_400_000;

export function ingestKeyView(item: IngestKeyItem): IngestKeyView {
  return { keyId: item.keyId, status: item.status, createdAt: item.createdAt };
}

export function apiTokenView(item: ApiTokenItem, now = Date.now()): ApiTokenView {
  const status = item.revokedAt
    ? 'revoked'
    : Date.parse(item.expiresAt) <= now
      ? 'expired'
      : 'active';
  return {
    tokenId: item.tokenId,
    name: item.name,
    scopes: item.scopes.filter(isPermission),
    createdBy: item.createdBy,
    createdAt: item.createdAt,
    expiresAt: item.expiresAt,
    status,
    ...(item.parentTokenId ? { parentTokenId: item.parentTokenId } : {}),
  };
}

export async function listIngestKeys(
  plane: ControlPlane,
  projectId: string,
): Promise<IngestKeyView[]> {
  return (await plane.projects.listIngestKeys(projectId)).map(ingestKeyView);
}

export async function createIngestKey(plane: ControlPlane, projectId: string) {
  const item = await plane.projects.createIngestKey(projectId);
  return { key: ingestKeyView(item), secret: item.secret };
}

export async function rotateIngestKey(plane: ControlPlane, projectId: string, keyId: string) {
  const item = await plane.projects.rotateIngestKey(projectId, keyId);
  if (!item) throw new ApiError('NOT_FOUND', 'No active ingest key with this id.');
  return { key: ingestKeyView(item), secret: item.secret };
}

export async function revokeIngestKey(plane: ControlPlane, projectId: string, keyId: string) {
  if (!(await plane.projects.revokeIngestKey(projectId, keyId))) {
    throw new ApiError('NOT_FOUND', 'No ingest key with this id.');
  }
}

export async function listApiTokens(
  plane: ControlPlane,
  projectId: string,
): Promise<ApiTokenView[]> {
  const now = Date.now();
  return (await plane.apiTokens.listProjectTokens(projectId)).map((item) =>
    apiTokenView(item, now),
  );
}

/**
 * When a token made by this caller expires: in `expiresInDays`, but never after the caller's
 * own token when the caller is one — a short-lived token must not mint a long-lived one.
 */
function newTokenExpiry(access: ProjectAccess, expiresInDays: number, now: number): Date {
  const requested = now + expiresInDays * DAY_MS;
  if (access.principal.kind !== 'api_token') return new Date(requested);
  const parentExpiry = Date.parse(access.principal.tokenExpiresAt ?? '');
  if (!Number.isFinite(parentExpiry)) {
    throw new Error('An API token principal carries no expiry: cannot cap the new token.');
  }
  return new Date(Math.min(requested, parentExpiry));
}

export async function createApiToken(
  plane: ControlPlane,
  access: ProjectAccess,
  input: { name: string; scopes: Permission[]; expiresInDays: number },
) {
  // allows() narrows by the calling token's scopes too, so a token mints only subsets of itself.
  const beyond = input.scopes.filter((scope) => !allows(access, scope));
  if (beyond.length > 0) {
    throw new ApiError(
      'FORBIDDEN',
      `A token cannot have permissions its creator lacks: ${beyond.join(', ')}.`,
    );
  }
  const expiresAt = newTokenExpiry(access, input.expiresInDays, Date.now());
  try {
    const { token, item } = await plane.apiTokens.createToken({
      projectId: access.projectId,
      name: input.name,
      scopes: [...new Set(input.scopes)],
      createdBy: access.principal.userId,
      expiresAt,
      parentTokenId: mintingTokenId(access),
    });
    return { token, apiToken: apiTokenView(item) };
  } catch (error) {
    // The calling token was revoked after it was verified (or while minting): it is no longer
    // a credential, as its next request would be told.
    if (isControlPlaneError(error, 'PARENT_TOKEN_REVOKED')) {
      throw new ApiError('UNAUTHENTICATED', 'This API token has been revoked.');
    }
    throw error;
  }
}

/** The calling token, when a token is minting: revoking it will revoke what it mints. */
function mintingTokenId(access: ProjectAccess): string | undefined {
  if (access.principal.kind !== 'api_token') return undefined;
  if (!access.principal.tokenId) {
    throw new Error('An API token principal carries no token id: cannot record the minter.');
  }
  return access.principal.tokenId;
}

export async function revokeApiToken(plane: ControlPlane, projectId: string, tokenId: string) {
  if (!(await plane.apiTokens.revokeToken(projectId, tokenId))) {
    throw new ApiError('NOT_FOUND', 'No API token with this id.');
  }
}

/**
 * Named errors of the control-plane repositories, each with a stable `code`; the web app's
 * settings feature maps them to API errors (web/src/features/settings/server/). Callers match
 * them by code (`isControlPlaneError`), never with `instanceof`: the web app keeps one control
 * plane on globalThis for every route, and each route's bundle has its own copy of these
 * classes, so an error thrown by the plane another route built is no instance of this one's.
 */
export class ControlPlaneError extends Error {
  readonly code: string;
  constructor(code: ControlPlaneErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

export type ControlPlaneErrorCode = 'LAST_ADMIN' | 'MEMBERSHIP_CONTENTION' | 'PARENT_TOKEN_REVOKED';

/** Whether `error` is a control-plane error with `code`, whichever copy of the class made it. */
export function isControlPlaneError(error: unknown, code: ControlPlaneErrorCode): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === code;
}

/** The change would leave the project without an admin. */
export class LastAdminError extends ControlPlaneError {
  readonly projectId: string;
  constructor(projectId: string) {
    super('LAST_ADMIN', `Project ${projectId} keeps at least one admin.`);
    this.projectId = projectId;
  }
}

/** A member's record kept changing under a change, attempt after attempt. */
export class MembershipContentionError extends ControlPlaneError {
  constructor(projectId: string, userId: string) {
    super(
      'MEMBERSHIP_CONTENTION',
      `The membership of ${userId} in ${projectId} kept changing; nothing was written.`,
    );
  }
}

/**
 * A token was to be minted by a token that is revoked or gone, possibly revoked while the
 * new one was being written; the new one is revoked and never returned.
 */
export class ParentTokenRevokedError extends ControlPlaneError {
  readonly parentTokenId: string;
  constructor(parentTokenId: string) {
    super('PARENT_TOKEN_REVOKED', `Token ${parentTokenId} is revoked or does not exist.`);
    this.parentTokenId = parentTokenId;
  }
}

/**
 * Whether DynamoDB refused a write because its condition did not hold. Checked by name: the
 * document client may throw the class of another copy of @aws-sdk/client-dynamodb.
 */
export function isConditionalCheckFailed(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
}

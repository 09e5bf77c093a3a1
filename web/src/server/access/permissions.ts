/**
 * The permission matrix: which role may do what in a project. Every page, server action and
 * API route asks `can` (through requireAccess / apiRoute); nothing else decides access.
 * docs/security.md shows the same matrix for people.
 */

export const ROLES = ['admin', 'engineer', 'oncall', 'auditor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  /** Overview, breakdowns, users and prompt aggregates. */
  'metrics:read',
  /** Trace list and trace detail metadata (timings, models, tokens, cost, status). */
  'traces:read',
  /** Message text and raw span JSON: what users typed and what models answered. */
  'traces:read_content',
  'members:manage',
  'ingest_keys:manage',
  'api_tokens:manage',
  /** The audit trail: who looked at what. */
  'audit:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * Viewers see numbers and trace metadata but not content: prompts and completions can hold
 * personal data, so reading them is limited to roles that need it to do their job.
 */
const GRANTS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  engineer: ['metrics:read', 'traces:read', 'traces:read_content'],
  oncall: ['metrics:read', 'traces:read', 'traces:read_content'],
  auditor: ['metrics:read', 'traces:read', 'traces:read_content', 'audit:read'],
  viewer: ['metrics:read', 'traces:read'],
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/** Every permission a role holds, in matrix order. */
export function permissionsOf(role: Role): Permission[] {
  return PERMISSIONS.filter((permission) => can(role, permission));
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}

import { describe, expect, it } from 'vitest';
import {
  PERMISSIONS,
  ROLES,
  can,
  permissionsOf,
  type Permission,
  type Role,
} from './permissions.ts';

// The matrix as docs/security.md states it; a change to either must change both.
const DOCUMENTED: Record<Role, Permission[]> = {
  admin: [...PERMISSIONS],
  engineer: ['metrics:read', 'traces:read', 'traces:read_content'],
  oncall: ['metrics:read', 'traces:read', 'traces:read_content'],
  auditor: ['metrics:read', 'traces:read', 'traces:read_content', 'audit:read'],
  viewer: ['metrics:read', 'traces:read'],
};

describe('can', () => {
  const cases = ROLES.flatMap((role) =>
    PERMISSIONS.map((permission) => ({
      role,
      permission,
      granted: DOCUMENTED[role].includes(permission),
    })),
  );

  it.each(cases)('$role / $permission → $granted', ({ role, permission, granted }) => {
    expect(can(role, permission)).toBe(granted);
  });

  it('lists each role’s permissions in matrix order', () => {
    expect(permissionsOf('viewer')).toEqual(['metrics:read', 'traces:read']);
  });
});

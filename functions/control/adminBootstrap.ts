/**
 * The first admin: on a fresh control plane, creates a user from the configured email and
 * password (or a generated password, returned once for the launcher to print) and makes them
 * an admin of the given project. Once the user exists it changes nothing, so later edits by
 * admins stick and no password is ever stored or printed again.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ServerEnv } from '../config/env.ts';
import { AuthRecordStore } from './authRecordStore.ts';
import { createPasswordUser, findUserByEmail, generatePassword } from './authUsers.ts';
import { MembershipsRepository } from './membershipsRepository.ts';

export interface AdminBootstrapResult {
  email: string;
  created: boolean;
  /** Only when the password was generated now: show it once, store it nowhere. */
  generatedPassword?: string;
}

/** What bootstrapAdmin writes to: the sign-in records and memberships tables `env` names. */
export function adminBootstrapStores(
  documents: DynamoDBDocumentClient,
  env: Pick<ServerEnv, 'SIGHTLINE_AUTH_TABLE' | 'SIGHTLINE_MEMBERSHIPS_TABLE'>,
): { authRecords: AuthRecordStore; memberships: MembershipsRepository } {
  return {
    authRecords: new AuthRecordStore(documents, env.SIGHTLINE_AUTH_TABLE),
    memberships: new MembershipsRepository(documents, env.SIGHTLINE_MEMBERSHIPS_TABLE),
  };
}

export async function bootstrapAdmin(
  deps: { authRecords: AuthRecordStore; memberships: MembershipsRepository },
  input: { email: string; password?: string; projectId: string },
): Promise<AdminBootstrapResult> {
  const existing = await findUserByEmail(deps.authRecords, input.email);
  if (existing) return { email: existing.email, created: false };
  const password = input.password ?? generatePassword();
  const user = await createPasswordUser(deps.authRecords, {
    email: input.email,
    password,
    name: 'Admin',
  });
  await deps.memberships.putMembership(input.projectId, user.id, 'admin');
  return {
    email: user.email,
    created: true,
    ...(input.password ? {} : { generatedPassword: password }),
  };
}

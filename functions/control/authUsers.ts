/**
 * Creates and finds sign-in users in the auth table the way better-auth keeps them (a user
 * record and a `credential` account holding the scrypt hash of the password). Used where
 * users are made outside a sign-up form: the launcher's admin bootstrap, and admins adding a
 * member whose email has no user yet. A password someone else was shown (the admin adding a
 * member) is marked temporary on the credential account, with when it was issued: the web app
 * lets it do nothing but set a new one, and only for a while
 * (web/src/features/auth/server/temporaryPasswords.ts).
 */
import { randomBytes } from 'node:crypto';
import { hashPassword } from 'better-auth/crypto';
import { generateId } from 'better-auth';
import type { AuthRecordStore } from './authRecordStore.ts';

export interface AuthUser {
  id: string;
  email: string;
  name: string;
}

/** A password of 144 random bits, readable enough to copy once. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export async function findUserByEmail(
  store: AuthRecordStore,
  email: string,
): Promise<AuthUser | undefined> {
  const [user] = await store.find('user', [
    { field: 'email', value: normalizeEmail(email), operator: 'eq', connector: 'AND' },
  ]);
  return user
    ? { id: user.id, email: String(user.email), name: String(user.name ?? '') }
    : undefined;
}

export async function findUserById(
  store: AuthRecordStore,
  userId: string,
): Promise<AuthUser | undefined> {
  const user = await store.get('user', userId);
  return user
    ? { id: user.id, email: String(user.email), name: String(user.name ?? '') }
    : undefined;
}

/** Creates a user who signs in with this email and password. */
export async function createPasswordUser(
  store: AuthRecordStore,
  input: {
    email: string;
    password: string;
    name?: string;
    /** The password is handed to the person by someone else, who must not keep using it. */
    temporary?: boolean;
  },
): Promise<AuthUser> {
  const email = normalizeEmail(input.email);
  const now = new Date().toISOString();
  const userId = generateId();
  const name = input.name ?? email.split('@')[0] ?? email;
  await store.create('user', {
    id: userId,
    email,
    name,
    emailVerified: false,
    image: null,
    createdAt: now,
    updatedAt: now,
  });
  await store.create('account', {
    id: generateId(),
    accountId: userId,
    providerId: 'credential',
    userId,
    password: await hashPassword(input.password),
    ...(input.temporary ? { temporaryPasswordIssuedAt: now } : {}),
    createdAt: now,
    updatedAt: now,
  });
  return { id: userId, email, name };
}

/**
 * Issues a new temporary password for an account still under one (its person never set their
 * own): the credential gets the new hash and issue time, the old temporary password stops
 * working, and every session of the account ends. False, changing nothing, when the account has
 * a password of its own or none, including one set while this ran (the write is conditional on
 * the issue time read).
 */
export async function reissueTemporaryPassword(
  store: AuthRecordStore,
  userId: string,
  password: string,
): Promise<boolean> {
  const credential = await findCredentialAccount(store, userId);
  const issuedAt = credential?.temporaryPasswordIssuedAt;
  if (!credential || typeof issuedAt !== 'string') return false;
  const now = new Date().toISOString();
  const replaced = await store.putIfFieldIs(
    'account',
    {
      ...credential,
      password: await hashPassword(password),
      temporaryPasswordIssuedAt: now,
      updatedAt: now,
    },
    'temporaryPasswordIssuedAt',
    issuedAt,
  );
  if (!replaced) return false;
  const sessions = await store.find('session', [
    { field: 'userId', value: userId, operator: 'eq', connector: 'AND' },
  ]);
  for (const session of sessions) await store.delete('session', session);
  return true;
}

/** The user's credential account, read consistently (undefined without a password). */
async function findCredentialAccount(store: AuthRecordStore, userId: string) {
  const accounts = await store.find('account', [
    { field: 'userId', value: userId, operator: 'eq', connector: 'AND' },
  ]);
  const credential = accounts.find((account) => account.providerId === 'credential');
  return credential ? store.get('account', credential.id) : undefined;
}

/**
 * When the user's password was issued as a temporary one, while it still is (`undefined` once
 * they set their own, or for a user without a password). The account is found through the
 * lookup index and then read consistently, so a password just changed is seen as changed.
 */
export async function findTemporaryPasswordIssuedAt(
  store: AuthRecordStore,
  userId: string,
): Promise<string | undefined> {
  const issuedAt = (await findCredentialAccount(store, userId))?.temporaryPasswordIssuedAt;
  return typeof issuedAt === 'string' ? issuedAt : undefined;
}

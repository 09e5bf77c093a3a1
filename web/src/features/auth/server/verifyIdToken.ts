/**
 * Who a single sign-on names, taken only from an ID token that passes OpenID Connect Core
 * §3.1.3.7: signed (asymmetric algorithm) by a key the provider publishes at its `jwks_uri`,
 * issued by the discovery document's `issuer`, addressed to our client id, and not expired.
 * better-auth 1.3's generic OAuth plugin only decodes the ID token, so without these checks a
 * forged, misaddressed or stale token signed people in (test/browser/oidc.test.ts).
 */
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';

/** Signature algorithms accepted for ID tokens: asymmetric only (HS* would sign with our secret). */
const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/** Leeway for the provider's clock against ours when checking exp/iat/nbf. */
const CLOCK_TOLERANCE_SECONDS = 60;

const DiscoverySchema = z.object({
  issuer: z.url(),
  jwks_uri: z.url(),
  id_token_signing_alg_values_supported: z.array(z.string()).optional(),
});

const ClaimsSchema = z.object({
  sub: z.string().min(1),
  email: z.string().min(3),
  email_verified: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
  name: z.string().min(1).optional(),
  picture: z.string().optional(),
});

interface Provider {
  issuer: string;
  keys: ReturnType<typeof createRemoteJWKSet>;
  algorithms: string[];
}

export interface OidcUser {
  id: string;
  email: string;
  emailVerified: boolean;
  name: string;
  image?: string;
}

export class IdTokenRejectedError extends Error {
  readonly code = 'ID_TOKEN_REJECTED';
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`The single sign-on ID token was refused: ${reason}`, options);
    this.name = 'IdTokenRejectedError';
  }
}

// One discovery per provider and process; the remote key set refetches on an unknown key id,
// so the provider's key rotation needs no restart.
const providers = new Map<string, Promise<Provider>>();

async function discover(discoveryUrl: string): Promise<Provider> {
  const response = await fetch(discoveryUrl, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`discovery answered ${response.status}`);
  const document = DiscoverySchema.parse(await response.json());
  const offered = document.id_token_signing_alg_values_supported ?? ['RS256'];
  return {
    issuer: document.issuer,
    keys: createRemoteJWKSet(new URL(document.jwks_uri)),
    algorithms: ASYMMETRIC_ALGORITHMS.filter((algorithm) => offered.includes(algorithm)),
  };
}

function providerOf(discoveryUrl: string): Promise<Provider> {
  let provider = providers.get(discoveryUrl);
  if (!provider) {
    provider = discover(discoveryUrl);
    providers.set(discoveryUrl, provider);
    provider.catch(() => providers.delete(discoveryUrl));
  }
  return provider;
}

/** The person an ID token names, once it is verified; throws IdTokenRejectedError otherwise. */
export async function verifyIdToken(options: {
  idToken: string | undefined;
  discoveryUrl: string;
  clientId: string;
}): Promise<OidcUser> {
  if (!options.idToken) throw new IdTokenRejectedError('the token response held no id_token');
  let provider: Provider;
  try {
    provider = await providerOf(options.discoveryUrl);
  } catch (error) {
    throw new IdTokenRejectedError('the discovery document could not be read', { cause: error });
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(options.idToken, provider.keys, {
      issuer: provider.issuer,
      audience: options.clientId,
      algorithms: provider.algorithms,
      requiredClaims: ['sub', 'iat', 'exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    }));
  } catch (error) {
    throw new IdTokenRejectedError(error instanceof Error ? error.message : 'invalid', {
      cause: error,
    });
  }
  // With several audiences, the token must say it was issued to us (OIDC Core §3.1.3.7 step 5).
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== options.clientId) {
    throw new IdTokenRejectedError('azp is not this client');
  }
  const claims = ClaimsSchema.safeParse(payload);
  if (!claims.success) throw new IdTokenRejectedError('it names no subject and email');
  const { sub, email, email_verified, name, picture } = claims.data;
  // Accounts are keyed by email and linked to an existing one by it: an address the provider
  // has not verified (a provider with self sign-up lets anyone claim any address) must not
  // sign anyone in, or it would take over that person's account and memberships.
  if (email_verified !== true && email_verified !== 'true') {
    throw new IdTokenRejectedError('the provider has not verified the email');
  }
  return {
    id: sub,
    email,
    emailVerified: true,
    // Providers leave `name` out when the person has none on file (Cognito users made by an
    // admin often have only an email); better-auth refuses a user without a name.
    name: name ?? email,
    ...(picture ? { image: picture } : {}),
  };
}

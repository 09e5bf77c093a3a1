/**
 * The web process's control-plane repositories (DynamoDB), built once from the environment
 * and reused by every request. The two reads every authenticated API request makes (the API
 * token, the member's role) are cached briefly; see ACCESS_CACHE.
 */
import { createDynamoDocumentClient } from '../../../functions/aws/awsClients.ts';
import { serverEnv } from '../../../functions/config/env.ts';
import { ApiTokensRepository } from '../../../functions/control/apiTokensRepository.ts';
import { AuthRecordStore } from '../../../functions/control/authRecordStore.ts';
import { MembershipsRepository } from '../../../functions/control/membershipsRepository.ts';
import { ProjectsRepository } from '../../../functions/control/projectsRepository.ts';

/**
 * Verified API tokens and the memberships access checks read, kept 5 s (up to 1,000 of each).
 * A revocation or role change made through this process applies to its next request; another
 * web process may still accept the old grant for up to ttlMs (docs/security.md).
 */
export const ACCESS_CACHE = { ttlMs: 5_000, maxEntries: 1_000 } as const;

export interface ControlPlane {
  projects: ProjectsRepository;
  memberships: MembershipsRepository;
  apiTokens: ApiTokensRepository;
  authRecords: AuthRecordStore;
}

// Kept on globalThis so `next dev` module reloads reuse one client, and so route handlers and
// server actions (bundled apart) share one set of caches: a change made by one clears the other's.
const holder = globalThis as typeof globalThis & { sightlineControlPlane?: ControlPlane };

export function controlPlane(): ControlPlane {
  if (!holder.sightlineControlPlane) {
    const env = serverEnv();
    const client = createDynamoDocumentClient(env);
    holder.sightlineControlPlane = {
      projects: ProjectsRepository.fromEnv(client, env),
      memberships: new MembershipsRepository(client, env.SIGHTLINE_MEMBERSHIPS_TABLE, {
        accessCache: ACCESS_CACHE,
      }),
      apiTokens: new ApiTokensRepository(client, env.SIGHTLINE_API_TOKENS_TABLE, {
        verifiedCache: ACCESS_CACHE,
      }),
      authRecords: new AuthRecordStore(client, env.SIGHTLINE_AUTH_TABLE),
    };
  }
  return holder.sightlineControlPlane;
}

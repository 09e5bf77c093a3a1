/**
 * The web process's control-plane repositories (DynamoDB), built once from the environment
 * and reused by every request.
 */
import { createDynamoDocumentClient } from '../../../functions/aws/awsClients.ts';
import { serverEnv } from '../../../functions/config/env.ts';
import { ApiTokensRepository } from '../../../functions/control/apiTokensRepository.ts';
import { AuthRecordStore } from '../../../functions/control/authRecordStore.ts';
import { MembershipsRepository } from '../../../functions/control/membershipsRepository.ts';
import { ProjectsRepository } from '../../../functions/control/projectsRepository.ts';

export interface ControlPlane {
  projects: ProjectsRepository;
  memberships: MembershipsRepository;
  apiTokens: ApiTokensRepository;
  authRecords: AuthRecordStore;
}

// Kept on globalThis so `next dev` module reloads reuse one client.
const holder = globalThis as typeof globalThis & { sightlineControlPlane?: ControlPlane };

export function controlPlane(): ControlPlane {
  if (!holder.sightlineControlPlane) {
    const env = serverEnv();
    const client = createDynamoDocumentClient(env);
    holder.sightlineControlPlane = {
      projects: new ProjectsRepository(client, {
        projectsTable: env.SIGHTLINE_PROJECTS_TABLE,
        ingestKeysTable: env.SIGHTLINE_INGEST_KEYS_TABLE,
      }),
      memberships: new MembershipsRepository(client, env.SIGHTLINE_MEMBERSHIPS_TABLE),
      apiTokens: new ApiTokensRepository(client, env.SIGHTLINE_API_TOKENS_TABLE),
      authRecords: new AuthRecordStore(client, env.SIGHTLINE_AUTH_TABLE),
    };
  }
  return holder.sightlineControlPlane;
}

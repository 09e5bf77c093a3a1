/**
 * A throwaway control plane for tests: dynalite in memory with every table created, a document
 * client on it, and the repositories the web app's ControlPlane holds (uncached).
 */
import { createDynamoClient, createDynamoDocumentClient } from '../../functions/aws/awsClients.ts';
import { parseServerEnv } from '../../functions/config/env.ts';
import { ApiTokensRepository } from '../../functions/control/apiTokensRepository.ts';
import { AuthRecordStore } from '../../functions/control/authRecordStore.ts';
import type { MemberRole } from '../../functions/control/controlPlaneTables.ts';
import { MembershipsRepository } from '../../functions/control/membershipsRepository.ts';
import { ProjectsRepository } from '../../functions/control/projectsRepository.ts';
import { createControlPlaneTables, startDynalite } from '../../infra/local/services/dynalite.ts';

export async function startTestControlPlane() {
  const dynalite = await startDynalite();
  const env = parseServerEnv({ AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint });
  const tables = {
    authTable: env.SIGHTLINE_AUTH_TABLE,
    projectsTable: env.SIGHTLINE_PROJECTS_TABLE,
    ingestKeysTable: env.SIGHTLINE_INGEST_KEYS_TABLE,
    apiTokensTable: env.SIGHTLINE_API_TOKENS_TABLE,
    membershipsTable: env.SIGHTLINE_MEMBERSHIPS_TABLE,
  };
  const dynamo = createDynamoClient(env);
  await createControlPlaneTables(dynamo, tables);
  const documents = createDynamoDocumentClient(env);
  const projects = new ProjectsRepository(documents, tables);
  return {
    env,
    documents,
    projects,
    memberships: new MembershipsRepository(documents, tables.membershipsTable),
    apiTokens: new ApiTokensRepository(documents, tables.apiTokensTable),
    authRecords: new AuthRecordStore(documents, tables.authTable),
    async close() {
      documents.destroy();
      dynamo.destroy();
      await dynalite.close();
    },
  };
}

/**
 * Creates (or overwrites) a project in a running stack's DynamoDB and gives a user a role in
 * it: what an operator does by hand, for tests and benchmarks that need a second project.
 */
export async function grantProject(
  dynamoEndpoint: string,
  project: { projectId: string; name: string; retentionDays: number },
  userId: string,
  role: MemberRole,
): Promise<void> {
  const env = parseServerEnv({ AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint });
  const documents = createDynamoDocumentClient(env);
  try {
    await new ProjectsRepository(documents, {
      projectsTable: env.SIGHTLINE_PROJECTS_TABLE,
      ingestKeysTable: env.SIGHTLINE_INGEST_KEYS_TABLE,
    }).putProject(project);
    await new MembershipsRepository(documents, env.SIGHTLINE_MEMBERSHIPS_TABLE).putMembership(
      project.projectId,
      userId,
      role,
    );
  } finally {
    documents.destroy();
  }
}

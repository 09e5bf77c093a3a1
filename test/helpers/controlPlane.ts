/**
 * A throwaway control plane for tests: dynalite in memory with the tables created, and a
 * repository to register projects and keys.
 */
import { createDynamoClient, createDynamoDocumentClient } from '../../functions/aws/awsClients.ts';
import { parseServerEnv } from '../../functions/config/env.ts';
import { ProjectsRepository } from '../../functions/control/projectsRepository.ts';
import { createControlPlaneTables, startDynalite } from '../../infra/local/services/dynalite.ts';

export async function startTestControlPlane() {
  const dynalite = await startDynalite();
  const env = parseServerEnv({ AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint });
  const tables = {
    projectsTable: env.SIGHTLINE_PROJECTS_TABLE,
    ingestKeysTable: env.SIGHTLINE_INGEST_KEYS_TABLE,
  };
  const dynamo = createDynamoClient(env);
  await createControlPlaneTables(dynamo, tables);
  const documents = createDynamoDocumentClient(env);
  const projects = new ProjectsRepository(documents, tables);
  return {
    env,
    projects,
    async close() {
      documents.destroy();
      dynamo.destroy();
      await dynalite.close();
    },
  };
}

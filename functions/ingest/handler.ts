/**
 * The ingest Lambda function: a Kinesis batch in, spans/scores/dead letters out, with
 * partial batch failures so only records whose write failed are retried.
 *
 * decode → verify → validate happen for the whole batch first, then one insert per table,
 * then Powertools' batch processor reports each record's outcome (ReportBatchItemFailures).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { ClickHouseClient } from '@clickhouse/client';
import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamRecord,
} from 'aws-lambda';
import { createDynamoDocumentClient, createSqsClient } from '../aws/awsClients.ts';
import { serverEnv } from '../config/env.ts';
import { ProjectsRepository } from '../control/projectsRepository.ts';
import { loadVault } from '../enrich/loadVault.ts';
import type { Vault } from '../enrich/originalsVault.ts';
import { createClickHouseClient } from '../store/clickhouseClient.ts';
import { clickHouseErrorOf } from '../store/clickhouseErrors.ts';
import { enqueueJudgeJobs } from '../judge/enqueueJudgeJobs.ts';
import type { JudgeQueue } from '../judge/JudgeQueue.ts';
import { SqsJudgeQueue } from '../judge/SqsJudgeQueue.ts';
import { IngestKeyCache } from './ingestKeyCache.ts';
import { prepareIngestBatch } from './prepareIngestBatch.ts';
import { warmUpIngest } from './warmUp.ts';
import { describeStoreError, writeIngestBatch } from './writeIngestBatch.ts';

export interface IngestDependencies {
  clickhouse: ClickHouseClient;
  keys: IngestKeyCache;
  /** Keys that seal originals and dead letters and key the redaction HMAC. */
  vault: Vault;
  logger: Logger;
  now?: () => number;
  /** Where stored LLM spans go to be judged (LLM-as-judge); none: nothing is judged. */
  judgeQueue?: JudgeQueue;
  /** Drop these dependencies so the next invocation builds fresh ones (new credentials). */
  reset?: () => void;
  /** Accept wire contract v1 records (`SIGHTLINE_ACCEPT_CONTRACT_V1`); default true. */
  acceptContractV1?: boolean;
}

/** ClickHouse refused the credentials: the password was probably rotated. */
const AUTHENTICATION_ERROR_CODES = new Set(['192', '193', '194', '516']);

export type IngestHandler = (
  event: KinesisStreamEvent,
  context: Context,
) => Promise<KinesisStreamBatchResponse>;

export function createIngestHandler(
  dependencies: () => Promise<IngestDependencies>,
): IngestHandler {
  return async (event, context) => {
    const {
      clickhouse,
      keys,
      vault,
      logger,
      now = Date.now,
      reset,
      judgeQueue,
      acceptContractV1 = true,
    } = await dependencies();
    const batch = await prepareIngestBatch(event.Records, keys, now(), vault, {
      acceptContractV1,
    });
    for (const [stage, spans] of Object.entries(batch.enrichmentErrors)) {
      // Counted and named, never the text: the span is stored with enrichment_status 'partial'.
      logger.warn('enrichment stage failed; spans stored with partial enrichment', {
        stage,
        spans,
      });
    }
    const outcome = await writeIngestBatch(clickhouse, batch, now());

    for (const { table, error } of outcome.errors) {
      logger.error('insert failed; the affected records will be retried', {
        table,
        error: describeStoreError(error),
      });
    }
    if (
      outcome.errors.some(({ error }) =>
        AUTHENTICATION_ERROR_CODES.has(clickHouseErrorOf(error)?.code ?? ''),
      )
    ) {
      // A warm function keeps its client; after a password rotation it must read the secret again.
      reset?.();
    }
    for (const deadLetter of [...batch.deadLetters, ...outcome.rejected]) {
      logger.warn('record dead-lettered', {
        reason: deadLetter.reason,
        detail: deadLetter.detail,
        shardId: deadLetter.shard_id,
        sequenceNumber: deadLetter.sequence_number,
        claimedProjectId: deadLetter.claimed_project_id,
      });
    }
    logger.info('batch processed', {
      records: event.Records.length,
      spans: batch.spans.length,
      scores: batch.scores.length,
      findings: batch.findings.length,
      evalScores: batch.evalScores.length,
      deadLetters: batch.deadLetters.length + outcome.rejected.length,
      failedRecords: outcome.failed.size,
    });
    if (judgeQueue) await enqueueJudgeJobs(batch, outcome, keys, judgeQueue, logger);

    const processor = new BatchProcessor(EventType.KinesisDataStreams);
    const reportOutcome = async (record: KinesisStreamRecord) => {
      const error = outcome.failed.get(record.kinesis.sequenceNumber);
      if (error) throw error;
    };
    return processPartialResponse(event, reportOutcome, processor, {
      context,
      // A batch that failed as a whole (ClickHouse down) is retried as it is; bisecting is
      // for function errors, which a poison record cannot cause here.
      throwOnFullBatchFailure: false,
    });
  };
}

let defaultDependencies: Promise<IngestDependencies> | undefined;
let refreshSecret = false;

function loadDefaultDependencies(): Promise<IngestDependencies> {
  defaultDependencies ??= (async () => {
    const env = serverEnv();
    const projects = ProjectsRepository.fromEnv(createDynamoDocumentClient(env), env);
    const vault = await loadVault(env);
    const clickhouse = await createClickHouseClient(env, { refreshSecret });
    refreshSecret = false;
    const loaded = defaultDependencies;
    return {
      clickhouse,
      keys: new IngestKeyCache(projects, { ttlSeconds: env.SIGHTLINE_KEY_CACHE_TTL_SECONDS }),
      vault,
      logger: new Logger({ serviceName: 'sightline-ingest' }),
      acceptContractV1: env.SIGHTLINE_ACCEPT_CONTRACT_V1,
      ...(env.SIGHTLINE_JUDGE_QUEUE_URL
        ? {
            judgeQueue: new SqsJudgeQueue(createSqsClient(env), env.SIGHTLINE_JUDGE_QUEUE_URL),
          }
        : {}),
      reset: () => {
        if (defaultDependencies !== loaded) return;
        defaultDependencies = undefined;
        refreshSecret = true;
        void clickhouse.close();
      },
    };
  })().catch((error: unknown) => {
    defaultDependencies = undefined;
    throw error;
  });
  return defaultDependencies;
}

// Lambda initialises the instance before its first batch: the validator and the detectors'
// tables are readied then. Should that fail, the function still starts, and each record
// meets the same failure on its own (dead letter, or its span marked partial).
try {
  warmUpIngest();
} catch (error) {
  process.emitWarning(`the ingest warm-up failed: ${(error as Error).message}`, 'SightlineWarning');
}

export const handler: IngestHandler = createIngestHandler(loadDefaultDependencies);

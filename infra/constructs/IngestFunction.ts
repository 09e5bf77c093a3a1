/**
 * The ingest Lambda function and everything that exists only for it: its execution role,
 * log group, Kinesis event source mapping and the on-failure queue of that mapping.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { functionLogGroupAndRole } from './functionRole.ts';
import { NODEJS_BUNDLING } from './lambdaBundling.ts';
import { INGEST_EVENT_SOURCE } from '../../functions/ingest/eventSourceSettings.ts';
import { INGEST_V8_OPTIONS } from '../../functions/ingest/runtimeOptions.ts';
import { SqsOnFailureDestination } from './SqsOnFailureDestination.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HANDLER_ENTRY = fileURLToPath(new URL('../../functions/ingest/handler.ts', import.meta.url));

export interface IngestFunctionProps {
  stream: kinesis.IStream;
  projectsTable: dynamodb.ITable;
  ingestKeysTable: dynamodb.ITable;
  clickHouseSecret: secretsmanager.ISecret;
  /** The stack's data key; it also encrypts this construct's log group and queue. */
  dataKey: kms.IKey;
  /** Wraps the data keys that seal redacted originals and dead letters (GenerateDataKey only). */
  vaultKey: kms.IKey;
  /** Master key of the per-project redaction HMAC. */
  redactionKeySecret: secretsmanager.ISecret;
  logRetention?: logs.RetentionDays;
  /**
   * Accept wire contract v1 records (SDK 0.2.0 and older), which are decompressed before their
   * signature can be checked. Set false once every producer sends v2.
   * @default true
   */
  acceptContractV1?: boolean;
}

export class IngestFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly onFailureQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: IngestFunctionProps) {
    super(scope, id);

    ({ logGroup: this.logGroup, role: this.role } = functionLogGroupAndRole(this, {
      dataKey: props.dataKey,
      logRetention: props.logRetention,
      description: 'Sightline ingest function',
    }));

    this.onFailureQueue = new sqs.Queue(this, 'OnFailureQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.onFailureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the failure destination of the ingest event source mapping; ' +
        'its messages only point at stream records, which are replayed from the stream, so a ' +
        'further dead-letter queue would have nothing to add.',
    });

    this.function = new NodejsFunction(this, 'Function', {
      entry: HANDLER_ENTRY,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 1024,
      timeout: Duration.seconds(60),
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        CLICKHOUSE_SECRET_ARN: props.clickHouseSecret.secretArn,
        SIGHTLINE_VAULT_KMS_KEY_ID: props.vaultKey.keyArn,
        SIGHTLINE_REDACTION_KEY_SECRET_ARN: props.redactionKeySecret.secretArn,
        SIGHTLINE_PROJECTS_TABLE: props.projectsTable.tableName,
        SIGHTLINE_INGEST_KEYS_TABLE: props.ingestKeysTable.tableName,
        SIGHTLINE_STREAM_NAME: props.stream.streamName,
        SIGHTLINE_ACCEPT_CONTRACT_V1: String(props.acceptContractV1 ?? true),
        POWERTOOLS_SERVICE_NAME: 'sightline-ingest',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: ['--enable-source-maps', ...INGEST_V8_OPTIONS].join(' '),
      },
      bundling: NODEJS_BUNDLING,
    });

    props.projectsTable.grantReadData(this.role);
    props.ingestKeysTable.grantReadData(this.role);
    props.clickHouseSecret.grantRead(this.role);
    props.redactionKeySecret.grantRead(this.role);
    props.vaultKey.grant(this.role, 'kms:GenerateDataKey');

    this.function.addEventSource(
      new KinesisEventSource(props.stream, {
        startingPosition: lambda.StartingPosition[INGEST_EVENT_SOURCE.startingPosition],
        batchSize: INGEST_EVENT_SOURCE.batchSize,
        maxBatchingWindow: Duration.millis(INGEST_EVENT_SOURCE.maxBatchingWindowMs),
        bisectBatchOnError: INGEST_EVENT_SOURCE.bisectBatchOnFunctionError,
        reportBatchItemFailures: INGEST_EVENT_SOURCE.reportBatchItemFailures,
        retryAttempts: INGEST_EVENT_SOURCE.retryAttempts,
        maxRecordAge: Duration.seconds(INGEST_EVENT_SOURCE.maxRecordAgeSeconds),
        parallelizationFactor: INGEST_EVENT_SOURCE.parallelizationFactor,
        onFailure: new SqsOnFailureDestination(this.onFailureQueue),
      }),
    );

    Validations.of(this.role.node.findChild('DefaultPolicy')).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only xray:PutTraceSegments and xray:PutTelemetryRecords, added by active tracing: ' +
        'these X-Ray actions support no resource-level permissions (a test asserts that no ' +
        'other statement of this policy has Resource "*").',
    });
  }
}

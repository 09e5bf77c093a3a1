/**
 * The LLM-as-judge in AWS: the judge queue (KMS-encrypted, TLS only, with a dead-letter
 * queue), the judge Lambda function reading it through an SQS event source with partial batch
 * responses, its role and log group. Ingest gets permission to send to the queue from the
 * stack (`grantEnqueue`).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { functionLogGroupAndRole } from './functionRole.ts';
import { NODEJS_BUNDLING } from './lambdaBundling.ts';
import { JUDGE_QUEUE_SETTINGS } from '../../functions/judge/constants.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HANDLER_ENTRY = fileURLToPath(new URL('../../functions/judge/handler.ts', import.meta.url));

/** Judge API keys live in Secrets Manager under this prefix (docs/detection.md). */
export const JUDGE_API_KEY_SECRET_PREFIX = 'sightline/judge/';

export interface JudgeFunctionProps {
  projectsTable: dynamodb.ITable;
  ingestKeysTable: dynamodb.ITable;
  budgetTable: dynamodb.ITable;
  clickHouseSecret: secretsmanager.ISecret;
  /** The stack's data key; it also encrypts the queues and the log group. */
  dataKey: kms.IKey;
  logRetention?: logs.RetentionDays;
}

export class JudgeFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: JudgeFunctionProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the judge queue; its messages are judge ' +
        'jobs (identifiers only) that can be redriven to the judge queue.',
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      visibilityTimeout: Duration.seconds(JUDGE_QUEUE_SETTINGS.visibilityTimeoutSeconds),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: JUDGE_QUEUE_SETTINGS.maxReceiveCount,
      },
    });

    ({ logGroup: this.logGroup, role: this.role } = functionLogGroupAndRole(this, {
      dataKey: props.dataKey,
      logRetention: props.logRetention,
      description: 'Sightline LLM-as-judge function',
    }));

    this.function = new NodejsFunction(this, 'Function', {
      entry: HANDLER_ENTRY,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(JUDGE_QUEUE_SETTINGS.functionTimeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        CLICKHOUSE_SECRET_ARN: props.clickHouseSecret.secretArn,
        SIGHTLINE_PROJECTS_TABLE: props.projectsTable.tableName,
        SIGHTLINE_INGEST_KEYS_TABLE: props.ingestKeysTable.tableName,
        SIGHTLINE_JUDGE_BUDGET_TABLE: props.budgetTable.tableName,
        POWERTOOLS_SERVICE_NAME: 'sightline-judge',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: NODEJS_BUNDLING,
    });

    props.projectsTable.grantReadData(this.role);
    props.budgetTable.grant(this.role, 'dynamodb:UpdateItem');
    // Table.grant adds no key permissions; the budget table is encrypted with the data key.
    props.dataKey.grant(this.role, 'kms:Decrypt', 'kms:GenerateDataKey');
    props.clickHouseSecret.grantRead(this.role);
    // Projects name their judge's API key by ARN; only secrets under the judge prefix.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [
          stack.formatArn({
            service: 'secretsmanager',
            resource: 'secret',
            resourceName: `${JUDGE_API_KEY_SECRET_PREFIX}*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );

    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: JUDGE_QUEUE_SETTINGS.batchSize,
        reportBatchItemFailures: true,
      }),
    );

    Validations.of(this.role.node.findChild('DefaultPolicy')).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only xray:PutTraceSegments and xray:PutTelemetryRecords, added by active tracing: ' +
          'these X-Ray actions support no resource-level permissions.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${JUDGE_API_KEY_SECRET_PREFIX}*]`,
        reason:
          'Each project names its own judge API key secret in its policy, so the secrets are not ' +
          'known at deploy time; GetSecretValue is limited to the sightline/judge/ name prefix ' +
          '(the trailing wildcard also covers the random suffix Secrets Manager appends).',
      },
    );
  }

  /** Lets ingest send judge jobs: SendMessage, and on the queue's key what SSE needs. */
  grantEnqueue(grantee: iam.IGrantable): void {
    this.queue.grant(grantee, 'sqs:SendMessage');
    this.queue.encryptionMasterKey?.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
  }
}

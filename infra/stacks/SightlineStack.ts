/**
 * The Sightline production stack: the span stream, the control-plane tables, the ClickHouse
 * connection secret, the customer-managed key that encrypts all of them, and the ingest
 * function that joins them.
 */
import {
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  Validations,
  type StackProps,
} from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { IngestFunction } from '../constructs/IngestFunction.ts';

export interface SightlineStackProps extends StackProps {
  /** @default 'sightline-spans' */
  streamName?: string;
  /** @default 'sightline-projects' */
  projectsTableName?: string;
  /** @default 'sightline-ingest-keys' */
  ingestKeysTableName?: string;
  /** @default 'sightline/clickhouse' */
  clickHouseSecretName?: string;
  /**
   * How long records stay on the stream. Longer than the event source's maximum record age
   * so that batches reported to the on-failure queue can still be replayed from the stream.
   * @default 7 days
   */
  streamRetention?: Duration;
}

export class SightlineStack extends Stack {
  readonly dataKey: kms.Key;
  readonly stream: kinesis.Stream;
  readonly projectsTable: dynamodb.Table;
  readonly ingestKeysTable: dynamodb.Table;
  readonly clickHouseSecret: secretsmanager.Secret;
  readonly ingest: IngestFunction;

  constructor(scope: Construct, id: string, props: SightlineStackProps = {}) {
    super(scope, id, props);

    this.dataKey = new kms.Key(this, 'DataKey', {
      alias: 'alias/sightline-data',
      description: 'Sightline: spans, control-plane tables, ClickHouse secret, queues and logs',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts the function's log group with this key; limited to log
    // groups of this account and region.
    this.dataKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: [
          'kms:Encrypt*',
          'kms:Decrypt*',
          'kms:ReEncrypt*',
          'kms:GenerateDataKey*',
          'kms:Describe*',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*`,
          },
        },
      }),
    );

    this.stream = new kinesis.Stream(this, 'SpanStream', {
      streamName: props.streamName ?? 'sightline-spans',
      streamMode: kinesis.StreamMode.ON_DEMAND,
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: this.dataKey,
      retentionPeriod: props.streamRetention ?? Duration.days(7),
    });
    Validations.of(this.stream).acknowledge({
      id: 'AwsSolutions-KDS3',
      reason:
        'A customer-managed key is deliberate: spans carry prompts and completions that may ' +
        'hold personal data, and the key policy, CloudTrail record of every decrypt and the ' +
        'ability to revoke access are required; the per-request KMS cost is accepted.',
    });

    this.projectsTable = this.controlPlaneTable('ProjectsTable', {
      tableName: props.projectsTableName ?? 'sightline-projects',
      partitionKey: { name: 'projectId', type: dynamodb.AttributeType.STRING },
    });
    this.ingestKeysTable = this.controlPlaneTable('IngestKeysTable', {
      tableName: props.ingestKeysTableName ?? 'sightline-ingest-keys',
      partitionKey: { name: 'projectId', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'keyId', type: dynamodb.AttributeType.STRING },
    });

    this.clickHouseSecret = new secretsmanager.Secret(this, 'ClickHouseSecret', {
      secretName: props.clickHouseSecretName ?? 'sightline/clickhouse',
      description:
        'Sightline ClickHouse connection { url, username, password, database }: set url and password after deploy',
      encryptionKey: this.dataKey,
      removalPolicy: RemovalPolicy.RETAIN,
      // Only a placeholder: the operator replaces url and password with the real server's
      // (docs/deploy.md). The generated password keeps the secret from ever being empty.
      generateSecretString: {
        secretStringTemplate: JSON.stringify({
          url: 'https://replace-with-your-clickhouse-host:8443',
          username: 'default',
          database: 'default',
        }),
        generateStringKey: 'password',
        passwordLength: 32,
        excludePunctuation: true,
      },
    });

    Validations.of(this.clickHouseSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The ClickHouse password is issued and rotated in ClickHouse (Cloud console or ' +
        'ALTER USER), which a Secrets Manager rotation Lambda cannot do for ClickHouse Cloud; ' +
        'the operator updates this secret when rotating (docs/deploy.md).',
    });

    this.ingest = new IngestFunction(this, 'Ingest', {
      stream: this.stream,
      projectsTable: this.projectsTable,
      ingestKeysTable: this.ingestKeysTable,
      clickHouseSecret: this.clickHouseSecret,
      dataKey: this.dataKey,
    });

    new CfnOutput(this, 'SpanStreamName', { value: this.stream.streamName });
    new CfnOutput(this, 'SpanStreamArn', { value: this.stream.streamArn });
    new CfnOutput(this, 'ProjectsTableName', { value: this.projectsTable.tableName });
    new CfnOutput(this, 'IngestKeysTableName', { value: this.ingestKeysTable.tableName });
    new CfnOutput(this, 'ClickHouseSecretArn', { value: this.clickHouseSecret.secretArn });
    new CfnOutput(this, 'IngestOnFailureQueueUrl', {
      value: this.ingest.onFailureQueue.queueUrl,
    });
    new CfnOutput(this, 'DataKeyArn', { value: this.dataKey.keyArn });
    new CfnOutput(this, 'IngestFunctionName', { value: this.ingest.function.functionName });
  }

  private controlPlaneTable(
    id: string,
    keys: Pick<dynamodb.TableProps, 'tableName' | 'partitionKey' | 'sortKey'>,
  ): dynamodb.Table {
    // Table, not TableV2: TableV2 cannot render a customer-managed key in a
    // region-agnostic stack, and this app must synthesize without an account or region.
    return new dynamodb.Table(this, id, {
      ...keys,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

/**
 * The Sightline production stack: the span stream, the control-plane tables (projects, ingest
 * keys, sign-in records, memberships, API tokens), the ClickHouse connection secret, the
 * customer-managed key that encrypts all of them, the ingest function that joins them, the
 * LLM-as-judge (queue, function, budget table), and the Cognito user pool the web app signs
 * people in with (OIDC).
 */
import {
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  Validations,
  type StackProps,
} from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { IngestFunction } from '../constructs/IngestFunction.ts';
import { JudgeFunction } from '../constructs/JudgeFunction.ts';
import { RANDOM_SECRET, retainedSecret } from '../constructs/retainedSecret.ts';
import { WebFunction } from '../constructs/WebFunction.ts';

export interface SightlineStackProps extends StackProps {
  /** @default 'sightline-spans' */
  streamName?: string;
  /** @default 'sightline-projects' */
  projectsTableName?: string;
  /** @default 'sightline-ingest-keys' */
  ingestKeysTableName?: string;
  /** @default 'sightline-auth' */
  authTableName?: string;
  /** @default 'sightline-memberships' */
  membershipsTableName?: string;
  /** @default 'sightline-api-tokens' */
  apiTokensTableName?: string;
  /**
   * The web app's public URL: the Cognito app client's callback is
   * `<webUrl>/api/auth/oauth2/callback/oidc`.
   * @default 'http://localhost:3000'
   */
  webUrl?: string;
  /**
   * Prefix of the Cognito hosted sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`),
   * globally unique. Without it the user pool has no OAuth endpoints until a domain is added.
   */
  authDomainPrefix?: string;
  /**
   * Deploys the web app (infra/constructs/WebFunction.ts) on `webUrl`'s domain, which must be
   * `https://`: the package `npx sightline build-web` built, and an ACM certificate for the
   * domain in the stack's region. Without it the stack deploys no web app.
   */
  web?: {
    packageDirectory: string;
    certificateArn: string;
    /** @default 26 */
    webAdapterLayerVersion?: number;
    /** @default 50 */
    rateLimitPerSecond?: number;
  };
  /** @default 'sightline-judge-budget' */
  judgeBudgetTableName?: string;
  /**
   * Whether ingest accepts wire contract v1 records (see `IngestFunctionProps`).
   * @default true
   */
  acceptContractV1?: boolean;
  /** @default 'sightline/clickhouse' */
  clickHouseSecretName?: string;
  /** Name of the redaction HMAC master key secret (default `sightline/redaction-key`). */
  redactionKeySecretName?: string;
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
  readonly authTable: dynamodb.Table;
  readonly membershipsTable: dynamodb.Table;
  readonly apiTokensTable: dynamodb.Table;
  readonly userPool: cognito.UserPool;
  readonly webClient: cognito.UserPoolClient;
  readonly clickHouseSecret: secretsmanager.Secret;
  readonly vaultKey: kms.Key;
  readonly redactionKeySecret: secretsmanager.Secret;
  readonly ingest: IngestFunction;
  readonly judgeBudgetTable: dynamodb.Table;
  readonly judge: JudgeFunction;
  readonly web: WebFunction | undefined;

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

    // Key schemas and indexes match infra/local/services/dynalite.ts.
    this.authTable = this.controlPlaneTable('AuthTable', {
      tableName: props.authTableName ?? 'sightline-auth',
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'ttl',
    });
    for (const index of ['lookup1', 'lookup2']) {
      this.authTable.addGlobalSecondaryIndex({
        indexName: index,
        partitionKey: { name: index, type: dynamodb.AttributeType.STRING },
      });
    }
    this.membershipsTable = this.controlPlaneTable('MembershipsTable', {
      tableName: props.membershipsTableName ?? 'sightline-memberships',
      partitionKey: { name: 'projectId', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'userId', type: dynamodb.AttributeType.STRING },
    });
    this.membershipsTable.addGlobalSecondaryIndex({
      indexName: 'byUser',
      partitionKey: { name: 'userId', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'projectId', type: dynamodb.AttributeType.STRING },
    });
    this.apiTokensTable = this.controlPlaneTable('ApiTokensTable', {
      tableName: props.apiTokensTableName ?? 'sightline-api-tokens',
      partitionKey: { name: 'tokenId', type: dynamodb.AttributeType.STRING },
    });
    this.apiTokensTable.addGlobalSecondaryIndex({
      indexName: 'byProject',
      partitionKey: { name: 'projectId', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'tokenId', type: dynamodb.AttributeType.STRING },
    });

    // People sign in to the web app through this pool (OIDC, docs/security.md); nobody signs
    // themselves up, and everyone uses a second factor.
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: 'sightline-users',
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (props.authDomainPrefix) {
      this.userPool.addDomain('SignInDomain', {
        cognitoDomain: { domainPrefix: props.authDomainPrefix },
        managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
      });
    }
    // One spelling for the callback and the app (lower-case host, no default port).
    const webUrl = new URL(props.webUrl ?? 'http://localhost:3000').origin;
    this.webClient = this.userPool.addClient('WebClient', {
      userPoolClientName: 'sightline-web',
      generateSecret: true,
      authFlows: {},
      preventUserExistenceErrors: true,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [`${webUrl}/api/auth/oauth2/callback/oidc`],
        logoutUrls: [`${webUrl}/sign-in`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
    });

    this.clickHouseSecret = retainedSecret(this, 'ClickHouseSecret', {
      secretName: props.clickHouseSecretName ?? 'sightline/clickhouse',
      description:
        'Sightline ClickHouse connection { url, username, password, database }: set url and password after deploy',
      encryptionKey: this.dataKey,
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
      rotatedByHandBecause:
        'The ClickHouse password is issued and rotated in ClickHouse (Cloud console or ' +
        'ALTER USER), which a Secrets Manager rotation Lambda cannot do for ClickHouse Cloud; ' +
        'the operator updates this secret when rotating (docs/deploy.md).',
    });

    // Content protection (functions/enrich): a key of its own wraps the data keys that seal
    // PII originals and dead-letter records, so who may open them is decided on this key alone;
    // ingest may only generate data keys, never decrypt.
    this.vaultKey = new kms.Key(this, 'VaultKey', {
      alias: 'alias/sightline-vault',
      description: 'Sightline: wraps the data keys sealing redacted originals and dead letters',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.redactionKeySecret = retainedSecret(this, 'RedactionKeySecret', {
      secretName: props.redactionKeySecretName ?? 'sightline/redaction-key',
      description: 'Sightline: master key of the per-project HMAC used by hash redaction',
      encryptionKey: this.dataKey,
      generateSecretString: RANDOM_SECRET,
      rotatedByHandBecause:
        'Hash redaction must give the same tag for the same value over time so values stay ' +
        'correlatable; rotating this key would break that, so it is rotated deliberately ' +
        '(docs/deploy.md), not on a schedule.',
    });

    this.ingest = new IngestFunction(this, 'Ingest', {
      stream: this.stream,
      projectsTable: this.projectsTable,
      ingestKeysTable: this.ingestKeysTable,
      clickHouseSecret: this.clickHouseSecret,
      dataKey: this.dataKey,
      vaultKey: this.vaultKey,
      redactionKeySecret: this.redactionKeySecret,
      acceptContractV1: props.acceptContractV1 ?? true,
    });

    // LLM-as-judge: per-project daily call counters, the judge queue and function.
    this.judgeBudgetTable = this.controlPlaneTable('JudgeBudgetTable', {
      tableName: props.judgeBudgetTableName ?? 'sightline-judge-budget',
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
    });
    this.judge = new JudgeFunction(this, 'Judge', {
      projectsTable: this.projectsTable,
      ingestKeysTable: this.ingestKeysTable,
      budgetTable: this.judgeBudgetTable,
      clickHouseSecret: this.clickHouseSecret,
      dataKey: this.dataKey,
    });
    this.judge.grantEnqueue(this.ingest.role);
    this.ingest.function.addEnvironment('SIGHTLINE_JUDGE_QUEUE_URL', this.judge.queue.queueUrl);

    const oidcDiscoveryUrl = `https://cognito-idp.${this.region}.amazonaws.com/${this.userPool.userPoolId}/.well-known/openid-configuration`;
    if (props.web) {
      if (!props.webUrl) throw new Error('The web app needs webUrl (https://your-domain)');
      this.web = new WebFunction(this, 'Web', {
        ...props.web,
        webUrl: props.webUrl,
        tables: {
          projects: this.projectsTable,
          ingestKeys: this.ingestKeysTable,
          auth: this.authTable,
          memberships: this.membershipsTable,
          apiTokens: this.apiTokensTable,
        },
        clickHouseSecret: this.clickHouseSecret,
        dataKey: this.dataKey,
        userPool: this.userPool,
        webClient: this.webClient,
        oidcDiscoveryUrl,
      });
      new CfnOutput(this, 'WebUrl', { value: webUrl });
      new CfnOutput(this, 'WebDomainTarget', {
        description: 'Point the web domain here (CNAME, or an alias record in Route 53)',
        value: this.web.domainName.regionalDomainName,
      });
      new CfnOutput(this, 'WebFunctionName', { value: this.web.function.functionName });
    }

    new CfnOutput(this, 'SpanStreamName', { value: this.stream.streamName });
    new CfnOutput(this, 'SpanStreamArn', { value: this.stream.streamArn });
    new CfnOutput(this, 'ProjectsTableName', { value: this.projectsTable.tableName });
    new CfnOutput(this, 'IngestKeysTableName', { value: this.ingestKeysTable.tableName });
    new CfnOutput(this, 'AuthTableName', { value: this.authTable.tableName });
    new CfnOutput(this, 'MembershipsTableName', { value: this.membershipsTable.tableName });
    new CfnOutput(this, 'ApiTokensTableName', { value: this.apiTokensTable.tableName });
    new CfnOutput(this, 'OidcDiscoveryUrl', { value: oidcDiscoveryUrl });
    new CfnOutput(this, 'OidcClientId', { value: this.webClient.userPoolClientId });
    new CfnOutput(this, 'ClickHouseSecretArn', { value: this.clickHouseSecret.secretArn });
    new CfnOutput(this, 'IngestOnFailureQueueUrl', {
      value: this.ingest.onFailureQueue.queueUrl,
    });
    new CfnOutput(this, 'DataKeyArn', { value: this.dataKey.keyArn });
    new CfnOutput(this, 'VaultKeyArn', { value: this.vaultKey.keyArn });
    new CfnOutput(this, 'IngestFunctionName', { value: this.ingest.function.functionName });
    new CfnOutput(this, 'JudgeQueueUrl', { value: this.judge.queue.queueUrl });
    new CfnOutput(this, 'JudgeDeadLetterQueueUrl', { value: this.judge.deadLetterQueue.queueUrl });
  }

  private controlPlaneTable(
    id: string,
    keys: Pick<
      dynamodb.TableProps,
      'tableName' | 'partitionKey' | 'sortKey' | 'timeToLiveAttribute'
    >,
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

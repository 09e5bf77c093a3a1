/**
 * The web app in AWS: the package `npx sightline build-web` builds (Next.js standalone server,
 * start script, `run.sh`) as a Lambda function run by the AWS Lambda Web Adapter layer, behind
 * an API Gateway HTTP API that answers on the operator's domain only (its execute-api
 * endpoint is disabled, so every request carries the one Host name the app allows). The
 * function's configuration names its secrets (the session secret, the ClickHouse secret, the
 * Cognito app client) and never holds them: the start script reads them at cold start.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { encryptedLogGroup, functionLogGroupAndRole } from './functionRole.ts';
import { RANDOM_SECRET, retainedSecret } from './retainedSecret.ts';
import { missingPackageFiles, WEB_HANDLER } from '../web/webPackage.ts';

/** The AWS Lambda Web Adapter's public layer (awslabs/aws-lambda-web-adapter). */
const WEB_ADAPTER_LAYER_ACCOUNT = '753240598075';
export const DEFAULT_WEB_ADAPTER_LAYER_VERSION = 26;
/** What the web app's repositories do with the control-plane tables (functions/control). */
const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
];
/** The port the adapter forwards requests to; the start script starts Next there. */
const WEB_PORT = '8080';

export interface WebFunctionProps {
  /** The built package (`npx sightline build-web`: web/.next-lambda/standalone). */
  packageDirectory: string;
  /** The public URL people open, `https://<domain>`; the API answers on that domain only. */
  webUrl: string;
  /** An ACM certificate for the URL's domain, in the stack's region. */
  certificateArn: string;
  tables: {
    projects: dynamodb.ITable;
    ingestKeys: dynamodb.ITable;
    auth: dynamodb.ITable;
    memberships: dynamodb.ITable;
    apiTokens: dynamodb.ITable;
  };
  clickHouseSecret: secretsmanager.ISecret;
  /** Encrypts the session secret and the log groups (and the tables, the ClickHouse secret). */
  dataKey: kms.IKey;
  userPool: cognito.IUserPool;
  webClient: cognito.IUserPoolClient;
  oidcDiscoveryUrl: string;
  /** @default 26 */
  webAdapterLayerVersion?: number;
  /** Requests per second the API admits before answering 429 (burst: twice as many). @default 50 */
  rateLimitPerSecond?: number;
  logRetention?: logs.RetentionDays;
}

export class WebFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly api: apigwv2.HttpApi;
  readonly domainName: apigwv2.DomainName;
  readonly authSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: WebFunctionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const missing = missingPackageFiles(props.packageDirectory);
    if (missing.length > 0) {
      throw new Error(
        `The web package ${props.packageDirectory} is not built (missing ${missing.join(', ')}): run \`npx sightline build-web\` first.`,
      );
    }
    const url = new URL(props.webUrl);
    if (url.protocol !== 'https:' || url.pathname !== '/' || url.port !== '') {
      throw new Error(
        `webUrl must be an https:// origin without a path or port (got ${props.webUrl})`,
      );
    }
    const hostName = url.hostname;

    this.authSecret = retainedSecret(this, 'AuthSecret', {
      description: 'Sightline web: signs and encrypts session cookies',
      encryptionKey: props.dataKey,
      generateSecretString: RANDOM_SECRET,
      rotatedByHandBecause:
        'Rotating the session secret signs everyone out at once; it is rotated deliberately ' +
        '(docs/deploy.md), not on a schedule.',
    });

    const { logGroup, role } = functionLogGroupAndRole(this, {
      dataKey: props.dataKey,
      logRetention: props.logRetention,
      description: 'Sightline web app function',
    });
    this.role = role;

    this.function = new lambda.Function(this, 'Function', {
      // Built on the build machine: optional native dependencies (sharp) match its architecture,
      // so the function runs on x86_64 like the machines that build it.
      architecture: lambda.Architecture.X86_64,
      runtime: lambda.Runtime.NODEJS_24_X,
      code: lambda.Code.fromAsset(props.packageDirectory),
      handler: WEB_HANDLER,
      layers: [
        lambda.LayerVersion.fromLayerVersionArn(
          this,
          'WebAdapter',
          `arn:${stack.partition}:lambda:${stack.region}:${WEB_ADAPTER_LAYER_ACCOUNT}:layer:LambdaAdapterLayerX86:${props.webAdapterLayerVersion ?? DEFAULT_WEB_ADAPTER_LAYER_VERSION}`,
        ),
      ],
      // One full vCPU: server rendering is CPU-bound.
      memorySize: 1769,
      timeout: Duration.seconds(29),
      role: this.role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        AWS_LAMBDA_EXEC_WRAPPER: '/opt/bootstrap',
        AWS_LWA_PORT: WEB_PORT,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        SIGHTLINE_WEB_URL: url.origin,
        SIGHTLINE_WEB_ALLOWED_HOSTS: hostName,
        // API Gateway appends the client's address to X-Forwarded-For (the sign-in limit).
        SIGHTLINE_TRUSTED_PROXY_HOPS: '1',
        SIGHTLINE_AUTH_SECRET_ARN: this.authSecret.secretArn,
        CLICKHOUSE_SECRET_ARN: props.clickHouseSecret.secretArn,
        SIGHTLINE_PROJECTS_TABLE: props.tables.projects.tableName,
        SIGHTLINE_INGEST_KEYS_TABLE: props.tables.ingestKeys.tableName,
        SIGHTLINE_AUTH_TABLE: props.tables.auth.tableName,
        SIGHTLINE_MEMBERSHIPS_TABLE: props.tables.memberships.tableName,
        SIGHTLINE_API_TOKENS_TABLE: props.tables.apiTokens.tableName,
        SIGHTLINE_OIDC_DISCOVERY_URL: props.oidcDiscoveryUrl,
        SIGHTLINE_OIDC_CLIENT_ID: props.webClient.userPoolClientId,
        SIGHTLINE_OIDC_COGNITO_USER_POOL_ID: props.userPool.userPoolId,
      },
    });

    // Admins manage members, ingest keys and API tokens; sign-in writes sessions and counters.
    // The actions the repositories call (functions/control), on each table and its indexes;
    // Table.grant adds no key permissions, so what DynamoDB needs of the data key follows.
    for (const table of Object.values(props.tables)) table.grant(this.role, ...TABLE_ACTIONS);
    // The auth adapter lists some sign-in records by scanning (functions/control/authRecordStore.ts).
    props.tables.auth.grant(this.role, 'dynamodb:Scan');
    // The tables' key, only through DynamoDB: the role cannot decrypt anything else under it.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.dataKey.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.amazonaws.com` },
        },
      }),
    );
    props.clickHouseSecret.grantRead(this.role);
    this.authSecret.grantRead(this.role);
    // The start script reads the app client's secret from Cognito (it is copied nowhere).
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['cognito-idp:DescribeUserPoolClient'],
        resources: [props.userPool.userPoolArn],
      }),
    );

    this.domainName = new apigwv2.DomainName(this, 'Domain', {
      domainName: hostName,
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
      securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
    });
    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: 'sightline-web',
      description: 'Sightline web app and /api/v1',
      defaultIntegration: new HttpLambdaIntegration('Web', this.function, {
        payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
      }),
      defaultDomainMapping: { domainName: this.domainName },
      // Only the operator's domain: the app refuses any other Host name anyway (421).
      disableExecuteApiEndpoint: true,
    });
    const accessLogs = encryptedLogGroup(this, 'AccessLogs', props);
    const stage = this.api.defaultStage?.node.defaultChild as apigwv2.CfnStage;
    // Who asked for what and the answer; never bodies, query strings or headers (tokens).
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        time: '$context.requestTime',
        ip: '$context.identity.sourceIp',
        method: '$context.httpMethod',
        path: '$context.path',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
        integrationError: '$context.integrationErrorMessage',
      }),
    };
    const rate = props.rateLimitPerSecond ?? 50;
    stage.defaultRouteSettings = { throttlingRateLimit: rate, throttlingBurstLimit: rate * 2 };

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Every page and /api/v1 route authenticates (session cookie or API token) and checks ' +
        'the permission itself (docs/security.md); sign-in pages and the OIDC callback must be ' +
        'reachable without credentials, so the API has no authorizer.',
    });
    Validations.of(this.role.node.findChild('DefaultPolicy')).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only xray:PutTraceSegments and xray:PutTelemetryRecords, added by active tracing: ' +
          'these X-Ray actions support no resource-level permissions.',
      },
      // The tables with global secondary indexes (memberships by user, tokens by project,
      // sign-in lookups).
      ...[props.tables.auth, props.tables.memberships, props.tables.apiTokens].map((table) => ({
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(table.node.defaultChild as dynamodb.CfnTable)}.Arn>/index/*]`,
        reason:
          "Queries on the table's own global secondary indexes (memberships by user, tokens by " +
          'project, sign-in lookups): Table.grant covers a table with indexes with index/*.',
      })),
    );
  }
}

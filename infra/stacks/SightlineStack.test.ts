import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, type CfnElement, Stack, Stage, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { INGEST_EVENT_SOURCE } from '../../functions/ingest/eventSourceSettings.ts';
import { WEB_PACKAGE_FILES } from '../web/webPackage.ts';
import { SightlineStack } from './SightlineStack.ts';

const CdkJsonSchema = z.object({ context: z.record(z.string(), z.unknown()) });
const CDK_CONTEXT = CdkJsonSchema.parse(
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')),
).context;

// cdk-nag 3 reports through CDK's policy validation, not through annotations: its findings
// exist only in the assembly's validation report. The report is parsed strictly so that a
// change of format fails these tests instead of making them pass vacuously.
const ValidationReportSchema = z.object({
  pluginReports: z.array(
    z.object({
      pluginName: z.string(),
      violations: z.array(
        z.object({
          ruleName: z.string(),
          severity: z.string(),
          violatingConstructs: z.array(z.object({ constructPath: z.string() })),
        }),
      ),
    }),
  ),
});

interface NagFinding {
  ruleName: string;
  severity: string;
  constructPaths: string[];
}

/**
 * Synthesizes an app checked by the AWS Solutions pack, registered the way infra/app.ts
 * does, and returns the unacknowledged findings of every severity.
 */
function synthesizeWithNag(addStacks: (app: App) => void): {
  app: App;
  findings: NagFinding[];
} {
  // Findings are read from the report below rather than thrown by synth, so that one failed
  // assertion lists every finding, warnings included.
  const app = new App({
    context: { ...CDK_CONTEXT, '@aws-cdk/core:failSynthOnValidationErrors': false },
  });
  addStacks(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  const reportFile = path.join(assembly.directory, 'validation-report.json');
  const report = existsSync(reportFile)
    ? ValidationReportSchema.parse(JSON.parse(readFileSync(reportFile, 'utf8')))
    : { pluginReports: [] };
  const findings = report.pluginReports
    .filter((pluginReport) => pluginReport.pluginName === 'AwsSolutions')
    .flatMap((pluginReport) => pluginReport.violations)
    .map((violation) => ({
      ruleName: violation.ruleName,
      severity: violation.severity,
      constructPaths: violation.violatingConstructs.map((construct) => construct.constructPath),
    }));
  return { app, findings };
}

function acknowledgedRules(scope: IConstruct): { path: string; id: string; reason: string }[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(z.record(z.string(), z.string()).parse(entry.data)).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

function getAttArn(stack: Stack, construct: IConstruct) {
  return { 'Fn::GetAtt': [logicalId(stack, construct), 'Arn'] };
}

function ref(stack: Stack, construct: IConstruct) {
  return { Ref: logicalId(stack, construct) };
}

function logicalId(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

interface PolicyStatement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
}

/** Every statement of the inline policies attached to `role`. */
function roleStatementsOf(template: Template, stack: Stack, role: IConstruct): PolicyStatement[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [ref(stack, role)] },
  });
  return Object.values(policies).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as PolicyStatement[],
  );
}

describe('SightlineStack', () => {
  let stack: SightlineStack;
  let template: Template;
  let findings: NagFinding[];

  beforeAll(() => {
    const synthesized = synthesizeWithNag((app) => {
      stack = new SightlineStack(app, 'Sightline');
    });
    findings = synthesized.findings;
    template = Template.fromStack(stack);
  });

  describe('cdk-nag AwsSolutions', () => {
    it('reports no unacknowledged errors', () => {
      expect(findings.filter((finding) => finding.severity !== 'warning')).toEqual([]);
    });

    it('reports no unacknowledged warnings', () => {
      expect(findings.filter((finding) => finding.severity === 'warning')).toEqual([]);
    });

    it('acknowledges only the reviewed rules, each with a specific reason', () => {
      const acknowledgements = acknowledgedRules(stack);

      expect(acknowledgements.map(({ path, id }) => ({ path, id }))).toEqual(
        expect.arrayContaining([
          { path: 'Sightline/SpanStream', id: 'AwsSolutions-KDS3' },
          { path: 'Sightline/ClickHouseSecret', id: 'AwsSolutions-SMG4' },
          { path: 'Sightline/RedactionKeySecret', id: 'AwsSolutions-SMG4' },
          { path: 'Sightline/Ingest/OnFailureQueue', id: 'AwsSolutions-SQS3' },
          { path: 'Sightline/Ingest/Role/DefaultPolicy', id: 'AwsSolutions-IAM5[Resource::*]' },
          { path: 'Sightline/Judge/DeadLetterQueue', id: 'AwsSolutions-SQS3' },
          { path: 'Sightline/Judge/Role/DefaultPolicy', id: 'AwsSolutions-IAM5[Resource::*]' },
          {
            path: 'Sightline/Judge/Role/DefaultPolicy',
            id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:sightline/judge/*]',
          },
        ]),
      );
      expect(acknowledgements).toHaveLength(8);
      for (const { reason } of acknowledgements) expect(reason.length).toBeGreaterThan(80);
    });

    it('finds errors and warnings in a non-compliant stack (the check above is live)', () => {
      const { findings: badFindings } = synthesizeWithNag((app) => {
        const bad = new Stack(app, 'NonCompliant');
        new sqs.Queue(bad, 'PlainQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
        const key = new kms.Key(bad, 'Key', { enableKeyRotation: true });
        new kinesis.Stream(bad, 'Stream', {
          encryption: kinesis.StreamEncryption.KMS,
          encryptionKey: key,
        });
      });

      expect(badFindings).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ ruleName: 'AwsSolutions-SQS2', severity: 'error' }),
          expect.objectContaining({ ruleName: 'AwsSolutions-KDS3', severity: 'warning' }),
        ]),
      );
    });
  });

  describe('span stream', () => {
    it('is on-demand, named, and encrypted with the rotating customer-managed key', () => {
      template.hasResourceProperties('AWS::Kinesis::Stream', {
        Name: 'sightline-spans',
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        StreamEncryption: { EncryptionType: 'KMS', KeyId: getAttArn(stack, stack.dataKey) },
      });
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    });

    it('keeps records longer than the maximum record age so failed batches can be replayed', () => {
      const retentionHours = z
        .number()
        .parse(
          Object.values(template.findResources('AWS::Kinesis::Stream'))[0]?.Properties
            ?.RetentionPeriodHours,
        );

      expect(retentionHours * 3600).toBeGreaterThan(INGEST_EVENT_SOURCE.maxRecordAgeSeconds);
    });

    it('takes its name from the props', () => {
      const app = new App({ context: CDK_CONTEXT });
      const named = new SightlineStack(app, 'Named', { streamName: 'spans-staging' });

      Template.fromStack(named).hasResourceProperties('AWS::Kinesis::Stream', {
        Name: 'spans-staging',
      });
    });
  });

  describe('ingest function', () => {
    it('runs on Node.js 22 or newer, on arm64, traced, with 1024 MB and 60 s', () => {
      const functions = template.findResources('AWS::Lambda::Function');
      expect(Object.keys(functions)).toHaveLength(2);
      const properties = functions[logicalId(stack, stack.ingest.function)]?.Properties;

      expect(Number(/^nodejs(\d+)\.x$/.exec(properties?.Runtime)?.[1])).toBeGreaterThanOrEqual(22);
      expect(properties).toMatchObject({
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        MemorySize: 1024,
        Timeout: 60,
        Handler: 'index.handler',
        LoggingConfig: { LogGroup: ref(stack, stack.ingest.logGroup) },
      });
    });

    it('gets the environment the handler reads', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            CLICKHOUSE_SECRET_ARN: ref(stack, stack.clickHouseSecret),
            SIGHTLINE_PROJECTS_TABLE: ref(stack, stack.projectsTable),
            SIGHTLINE_INGEST_KEYS_TABLE: ref(stack, stack.ingestKeysTable),
            SIGHTLINE_STREAM_NAME: ref(stack, stack.stream),
            SIGHTLINE_ACCEPT_CONTRACT_V1: 'true',
            POWERTOOLS_SERVICE_NAME: 'sightline-ingest',
            POWERTOOLS_LOG_LEVEL: 'INFO',
            // The young generation the enrich benchmark measured the chain with.
            NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=64',
          }),
        },
      });
    });

    it('tells ingest to refuse contract v1 records when the props say so', () => {
      const app = new App({ context: CDK_CONTEXT });
      const v2Only = new SightlineStack(app, 'V2Only', { acceptContractV1: false });

      Template.fromStack(v2Only).hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            POWERTOOLS_SERVICE_NAME: 'sightline-ingest',
            SIGHTLINE_ACCEPT_CONTRACT_V1: 'false',
          }),
        },
      });
    });

    it('logs to its own log group with a retention period', () => {
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        RetentionInDays: Match.anyValue(),
        KmsKeyId: getAttArn(stack, stack.dataKey),
      });
    });

    it('is bundled as ESM with a require shim, from the local esbuild', () => {
      const code = Object.values(template.findResources('AWS::Lambda::Function'))[0]?.Properties
        ?.Code;
      const assetHash = z
        .string()
        .regex(/^[0-9a-f]{64}\.zip$/)
        .parse(code?.S3Key)
        .replace(/\.zip$/, '');
      const bundle = readFileSync(
        path.join(Stage.of(stack)?.outdir ?? '', `asset.${assetHash}`, 'index.mjs'),
        'utf8',
      );

      expect(bundle.startsWith('import { createRequire')).toBe(true);
      // chdb stays external (never loaded in Lambda); the AWS SDK is bundled.
      expect(bundle).toContain('import("chdb/connection")');
      expect(bundle).not.toMatch(/from\s*["']@aws-sdk\//);
    });
  });

  describe('Kinesis event source', () => {
    it('applies the shared settings, partial batch responses and the on-failure queue', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: getAttArn(stack, stack.stream),
        FunctionName: ref(stack, stack.ingest.function),
        StartingPosition: INGEST_EVENT_SOURCE.startingPosition,
        BatchSize: INGEST_EVENT_SOURCE.batchSize,
        MaximumBatchingWindowInSeconds: INGEST_EVENT_SOURCE.maxBatchingWindowMs / 1000,
        BisectBatchOnFunctionError: INGEST_EVENT_SOURCE.bisectBatchOnFunctionError,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRetryAttempts: INGEST_EVENT_SOURCE.retryAttempts,
        MaximumRecordAgeInSeconds: INGEST_EVENT_SOURCE.maxRecordAgeSeconds,
        ParallelizationFactor: INGEST_EVENT_SOURCE.parallelizationFactor,
        DestinationConfig: {
          OnFailure: { Destination: getAttArn(stack, stack.ingest.onFailureQueue) },
        },
      });
    });

    it('sends failures to a KMS-encrypted queue that keeps them 14 days', () => {
      template.hasResourceProperties('AWS::SQS::Queue', {
        KmsMasterKeyId: getAttArn(stack, stack.dataKey),
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
    });

    it('refuses requests to the queue that do not use TLS', () => {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(stack, stack.ingest.onFailureQueue)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });
  });

  describe('control-plane tables', () => {
    it.each([
      ['projects', 'projectsTable', [{ AttributeName: 'projectId', KeyType: 'HASH' }]],
      [
        'ingest keys',
        'ingestKeysTable',
        [
          { AttributeName: 'projectId', KeyType: 'HASH' },
          { AttributeName: 'keyId', KeyType: 'RANGE' },
        ],
      ],
      ['auth records', 'authTable', [{ AttributeName: 'pk', KeyType: 'HASH' }]],
      [
        'memberships',
        'membershipsTable',
        [
          { AttributeName: 'projectId', KeyType: 'HASH' },
          { AttributeName: 'userId', KeyType: 'RANGE' },
        ],
      ],
      ['API tokens', 'apiTokensTable', [{ AttributeName: 'tokenId', KeyType: 'HASH' }]],
    ] as const)(
      '%s: on-demand, PITR, KMS, protected from deletion',
      (_name, property, keySchema) => {
        const table = stack[property];
        const resource = template.toJSON().Resources[logicalId(stack, table)];

        expect(resource).toMatchObject({
          Type: 'AWS::DynamoDB::Table',
          DeletionPolicy: 'Retain',
          Properties: {
            KeySchema: keySchema,
            BillingMode: 'PAY_PER_REQUEST',
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            SSESpecification: {
              SSEEnabled: true,
              SSEType: 'KMS',
              KMSMasterKeyId: getAttArn(stack, stack.dataKey),
            },
            DeletionProtectionEnabled: true,
          },
        });
      },
    );
  });

  describe('sign-in', () => {
    it.each([
      ['authTable', ['lookup1', 'lookup2']],
      ['membershipsTable', ['byUser']],
      ['apiTokensTable', ['byProject']],
    ] as const)('%s has the lookup indexes the repositories query', (property, indexes) => {
      const resource = template.toJSON().Resources[logicalId(stack, stack[property])];
      const names = (
        resource.Properties.GlobalSecondaryIndexes as Array<{ IndexName: string }>
      ).map((index) => index.IndexName);
      expect(names).toEqual(indexes);
    });

    it('expires sign-in records through the ttl attribute', () => {
      const resource = template.toJSON().Resources[logicalId(stack, stack.authTable)];
      expect(resource.Properties.TimeToLiveSpecification).toEqual({
        AttributeName: 'ttl',
        Enabled: true,
      });
    });

    it('has a user pool without self sign-up, with MFA and a strong password policy', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        MfaConfiguration: 'ON',
        Policies: {
          PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true }),
        },
      });
    });

    it('has a web client using the authorization code flow with a secret, back to the web app', () => {
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        GenerateSecret: true,
        AllowedOAuthFlows: ['code'],
        CallbackURLs: ['http://localhost:3000/api/auth/oauth2/callback/oidc'],
      });
    });
  });

  describe('ClickHouse secret', () => {
    it('is KMS-encrypted and holds a { url, username, password, database } placeholder', () => {
      const secret = Object.values(template.findResources('AWS::SecretsManager::Secret'))[0];
      const generate = secret?.Properties?.GenerateSecretString;

      expect(secret?.Properties?.KmsKeyId).toEqual(getAttArn(stack, stack.dataKey));
      expect(generate?.GenerateStringKey).toBe('password');
      expect(Object.keys(JSON.parse(generate?.SecretStringTemplate)).sort()).toEqual([
        'database',
        'url',
        'username',
      ]);
    });
  });

  describe('ingest role', () => {
    const roleStatements = () => roleStatementsOf(template, stack, stack.ingest.role);

    it('attaches no AWS managed policy', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        ManagedPolicyArns: Match.absent(),
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
        }),
      });
    });

    it('grants no wildcard action', () => {
      const actions = roleStatements().flatMap((statement) => [statement.Action].flat());

      expect(actions.length).toBeGreaterThan(0);
      expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    });

    it('uses Resource "*" only for the X-Ray actions, which have no resource-level scope', () => {
      const onEveryResource = roleStatements().filter((statement) => statement.Resource === '*');

      expect(onEveryResource.flatMap((statement) => [statement.Action].flat()).sort()).toEqual([
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    });

    it('may read the stream, tables and secret and send failures, but write nothing else', () => {
      const actions = new Set(roleStatements().flatMap((statement) => [statement.Action].flat()));

      expect(actions).toContain('dynamodb:GetItem');
      expect(actions).toContain('secretsmanager:GetSecretValue');
      expect(actions).toContain('kms:Decrypt');
      expect(actions).toContain('kinesis:GetRecords');
      expect(actions).toContain('sqs:SendMessage');
      for (const denied of [
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'kinesis:PutRecords',
        'secretsmanager:PutSecretValue',
        'kms:Encrypt',
      ]) {
        expect(actions).not.toContain(denied);
      }
    });
  });

  describe('content vault', () => {
    it('lets ingest make data keys with the vault key but never decrypt with it', () => {
      const policies = template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [ref(stack, stack.ingest.role)] },
      });
      const vaultKeyArn = getAttArn(stack, stack.vaultKey);
      const onVault = Object.values(policies)
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement as PolicyStatement[])
        .filter((statement) => JSON.stringify(statement.Resource) === JSON.stringify(vaultKeyArn));

      expect(onVault.flatMap((statement) => [statement.Action].flat())).toEqual([
        'kms:GenerateDataKey',
      ]);
    });

    it('gives ingest the vault key and the redaction secret', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            SIGHTLINE_VAULT_KMS_KEY_ID: getAttArn(stack, stack.vaultKey),
            SIGHTLINE_REDACTION_KEY_SECRET_ARN: { Ref: logicalId(stack, stack.redactionKeySecret) },
          }),
        },
      });
    });
  });

  describe('LLM-as-judge', () => {
    function judgeRoleStatements(): PolicyStatement[] {
      const policies = template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [ref(stack, stack.judge.role)] },
      });
      return Object.values(policies).flatMap(
        (policy) => policy.Properties.PolicyDocument.Statement as PolicyStatement[],
      );
    }

    it('queues jobs on a KMS-encrypted queue with a dead-letter queue after 3 deliveries', () => {
      const queue = template.toJSON().Resources[logicalId(stack, stack.judge.queue)];

      expect(queue.Properties).toMatchObject({
        KmsMasterKeyId: getAttArn(stack, stack.dataKey),
        VisibilityTimeout: 360,
        RedrivePolicy: {
          deadLetterTargetArn: getAttArn(stack, stack.judge.deadLetterQueue),
          maxReceiveCount: 3,
        },
      });
      expect(
        template.toJSON().Resources[logicalId(stack, stack.judge.deadLetterQueue)].Properties,
      ).toMatchObject({ KmsMasterKeyId: getAttArn(stack, stack.dataKey) });
    });

    it('runs the judge function from the queue with partial batch responses', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: getAttArn(stack, stack.judge.queue),
        FunctionName: ref(stack, stack.judge.function),
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });

    it('keeps its function timeout below the queue visibility timeout', () => {
      const properties =
        template.toJSON().Resources[logicalId(stack, stack.judge.function)].Properties;

      expect(properties.Timeout).toBeLessThan(360);
      expect(properties.Environment.Variables).toMatchObject({
        SIGHTLINE_JUDGE_BUDGET_TABLE: ref(stack, stack.judgeBudgetTable),
        SIGHTLINE_PROJECTS_TABLE: ref(stack, stack.projectsTable),
        CLICKHOUSE_SECRET_ARN: ref(stack, stack.clickHouseSecret),
      });
    });

    it('tells ingest where to send jobs and lets it send, nothing more', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            SIGHTLINE_JUDGE_QUEUE_URL: ref(stack, stack.judge.queue),
            POWERTOOLS_SERVICE_NAME: 'sightline-ingest',
          }),
        },
      });
    });

    it('counts budgets in a protected, encrypted table that expires old days', () => {
      const resource = template.toJSON().Resources[logicalId(stack, stack.judgeBudgetTable)];

      expect(resource).toMatchObject({
        DeletionPolicy: 'Retain',
        Properties: {
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
          SSESpecification: { SSEType: 'KMS', KMSMasterKeyId: getAttArn(stack, stack.dataKey) },
        },
      });
    });

    it('may update budgets and read judge key secrets under sightline/judge/ only', () => {
      const statements = judgeRoleStatements();
      const actions = new Set(statements.flatMap((statement) => [statement.Action].flat()));

      expect(actions).toContain('dynamodb:UpdateItem');
      expect(actions).toContain('sqs:ReceiveMessage');
      expect(actions).toContain('sqs:DeleteMessage');
      for (const denied of ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'sqs:SendMessage']) {
        expect(actions).not.toContain(denied);
      }
      const secretResources = statements
        .filter((statement) => [statement.Action].flat().includes('secretsmanager:GetSecretValue'))
        .map((statement) => JSON.stringify(statement.Resource));
      expect(
        secretResources.some((resource) => resource.includes(':secret:sightline/judge/*')),
      ).toBe(true);
      expect(secretResources.every((resource) => resource !== '"*"')).toBe(true);
    });
  });

  it('outputs what operators and producers need', () => {
    for (const output of [
      'SpanStreamName',
      'SpanStreamArn',
      'ProjectsTableName',
      'IngestKeysTableName',
      'AuthTableName',
      'MembershipsTableName',
      'ApiTokensTableName',
      'OidcDiscoveryUrl',
      'OidcClientId',
      'ClickHouseSecretArn',
      'IngestOnFailureQueueUrl',
      'JudgeQueueUrl',
      'JudgeDeadLetterQueueUrl',
    ]) {
      template.hasOutput(output, {});
    }
  });
});

describe('SightlineStack with the web app', () => {
  const WEB_URL = 'https://sightline.example.com';
  const CERTIFICATE_ARN =
    'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
  let packageDirectory: string;
  let stack: SightlineStack;
  let template: Template;
  let findings: NagFinding[];

  /** A package with the files the stack checks for (their content is not deployed here). */
  function fakePackage(files = WEB_PACKAGE_FILES): string {
    const directory = mkdtempSync(path.join(tmpdir(), 'sightline-web-package-'));
    for (const file of files) {
      mkdirSync(path.dirname(path.join(directory, file)), { recursive: true });
      writeFileSync(path.join(directory, file), '');
    }
    return directory;
  }

  beforeAll(() => {
    packageDirectory = fakePackage();
    const synthesized = synthesizeWithNag((app) => {
      stack = new SightlineStack(app, 'Sightline', {
        webUrl: WEB_URL,
        web: { packageDirectory, certificateArn: CERTIFICATE_ARN },
      });
    });
    findings = synthesized.findings;
    template = Template.fromStack(stack);
  });

  afterAll(() => rmSync(packageDirectory, { recursive: true, force: true }));

  const web = () => stack.web!;
  const environment = () =>
    template.toJSON().Resources[logicalId(stack, web().function)].Properties.Environment
      .Variables as Record<string, unknown>;

  it('passes cdk-nag with only the reviewed acknowledgements', () => {
    expect(findings).toEqual([]);
    const acknowledgements = acknowledgedRules(web()).map(({ path, id }) => ({ path, id }));
    expect(acknowledgements).toEqual(
      expect.arrayContaining([
        { path: 'Sightline/Web/AuthSecret', id: 'AwsSolutions-SMG4' },
        { path: 'Sightline/Web/Api', id: 'AwsSolutions-APIG4' },
        { path: 'Sightline/Web/Role/DefaultPolicy', id: 'AwsSolutions-IAM5[Resource::*]' },
      ]),
    );
    for (const { reason } of acknowledgedRules(web())) expect(reason.length).toBeGreaterThan(80);
  });

  it('runs the built package through the AWS Lambda Web Adapter', () => {
    const resource = template.toJSON().Resources[logicalId(stack, web().function)];
    expect(resource.Properties).toMatchObject({
      Handler: 'run.sh',
      Runtime: 'nodejs24.x',
      Architectures: ['x86_64'],
      MemorySize: 1769,
      Timeout: 29,
      TracingConfig: { Mode: 'Active' },
    });
    expect(JSON.stringify(resource.Properties.Layers)).toContain(
      ':753240598075:layer:LambdaAdapterLayerX86:26',
    );
    expect(environment()).toMatchObject({
      AWS_LAMBDA_EXEC_WRAPPER: '/opt/bootstrap',
      AWS_LWA_PORT: '8080',
      NODE_ENV: 'production',
    });
  });

  it('names its secrets and never holds them in its configuration', () => {
    const variables = environment();
    expect(variables).toMatchObject({
      SIGHTLINE_WEB_URL: WEB_URL,
      SIGHTLINE_WEB_ALLOWED_HOSTS: 'sightline.example.com',
      SIGHTLINE_TRUSTED_PROXY_HOPS: '1',
      SIGHTLINE_AUTH_SECRET_ARN: ref(stack, web().authSecret),
      CLICKHOUSE_SECRET_ARN: ref(stack, stack.clickHouseSecret),
      SIGHTLINE_OIDC_CLIENT_ID: ref(stack, stack.webClient),
      SIGHTLINE_OIDC_COGNITO_USER_POOL_ID: ref(stack, stack.userPool),
      SIGHTLINE_PROJECTS_TABLE: ref(stack, stack.projectsTable),
      SIGHTLINE_INGEST_KEYS_TABLE: ref(stack, stack.ingestKeysTable),
      SIGHTLINE_AUTH_TABLE: ref(stack, stack.authTable),
      SIGHTLINE_MEMBERSHIPS_TABLE: ref(stack, stack.membershipsTable),
      SIGHTLINE_API_TOKENS_TABLE: ref(stack, stack.apiTokensTable),
    });
    for (const secretValue of ['SIGHTLINE_AUTH_SECRET', 'SIGHTLINE_OIDC_CLIENT_SECRET'])
      expect(variables).not.toHaveProperty(secretValue);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: 'Sightline web: signs and encrypts session cookies',
      KmsKeyId: getAttArn(stack, stack.dataKey),
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
  });

  it('may use the control-plane tables, read its secrets and its app client, nothing else', () => {
    const statements = roleStatementsOf(template, stack, web().role);
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    expect(
      statements
        .filter((statement) => statement.Resource === '*')
        .flatMap((statement) => [statement.Action].flat())
        .sort(),
    ).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'cognito-idp:DescribeUserPoolClient',
        Resource: getAttArn(stack, stack.userPool),
      }),
    );
    const writes = statements.filter((statement) =>
      [statement.Action].flat().includes('dynamodb:PutItem'),
    );
    const written = JSON.stringify(writes.map((statement) => statement.Resource));
    for (const table of [
      stack.projectsTable,
      stack.ingestKeysTable,
      stack.authTable,
      stack.membershipsTable,
      stack.apiTokensTable,
    ])
      expect(written).toContain(logicalId(stack, table));
    expect(written).not.toContain(logicalId(stack, stack.judgeBudgetTable));
    // Scans only on the auth table; the data key only through DynamoDB.
    const scans = statements.filter((statement) =>
      [statement.Action].flat().includes('dynamodb:Scan'),
    );
    expect(JSON.stringify(scans.map((statement) => statement.Resource))).toContain(
      logicalId(stack, stack.authTable),
    );
    expect(JSON.stringify(scans.map((statement) => statement.Resource))).not.toContain(
      logicalId(stack, stack.membershipsTable),
    );
    const keyStatements = statements.filter((statement) =>
      JSON.stringify(statement.Resource).includes(logicalId(stack, stack.dataKey)),
    );
    expect(keyStatements).toEqual([
      expect.objectContaining({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Condition: {
          StringEquals: {
            'kms:ViaService': {
              'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']],
            },
          },
        },
      }),
    ]);
    for (const denied of ['kinesis:PutRecords', 'secretsmanager:PutSecretValue', 'kms:Encrypt'])
      expect(actions).not.toContain(denied);
  });

  it('answers on the operator’s domain only, with TLS 1.2, access logs and a rate limit', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      DisableExecuteApiEndpoint: true,
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'sightline.example.com',
      DomainNameConfigurations: [
        Match.objectLike({ CertificateArn: CERTIFICATE_ARN, SecurityPolicy: 'TLS_1_2' }),
      ],
    });
    template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      AccessLogSettings: Match.objectLike({
        Format: Match.stringLikeRegexp('"status":"\\$context.status"'),
      }),
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      PayloadFormatVersion: '2.0',
    });
  });

  it('sends Cognito sign-ins back to the web app’s domain and tells where to point it', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: [`${WEB_URL}/api/auth/oauth2/callback/oidc`],
    });
    for (const output of ['WebUrl', 'WebDomainTarget', 'WebFunctionName'])
      template.hasOutput(output, {});
  });

  it('spells the URL one way for Cognito and the app', () => {
    const app = new App();
    const spelled = new SightlineStack(app, 'Sightline', {
      webUrl: 'https://Sightline.Example.com:443',
      web: { packageDirectory, certificateArn: CERTIFICATE_ARN },
    });
    const spelledTemplate = Template.fromStack(spelled);
    spelledTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: [`${WEB_URL}/api/auth/oauth2/callback/oidc`],
    });
    spelledTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SIGHTLINE_WEB_URL: WEB_URL,
          SIGHTLINE_WEB_ALLOWED_HOSTS: 'sightline.example.com',
        }),
      },
    });
  });

  it('refuses to synthesize without a built package, an https URL, or a URL at all', () => {
    const attempt = (props: ConstructorParameters<typeof SightlineStack>[2]) => () =>
      new SightlineStack(new App(), 'Sightline', props);
    const incomplete = fakePackage(['run.sh']);
    try {
      expect(
        attempt({
          webUrl: WEB_URL,
          web: { packageDirectory: incomplete, certificateArn: CERTIFICATE_ARN },
        }),
      ).toThrow(
        /missing web\/lambda-start\.mjs, web\/server\.js\): run `npx sightline build-web` first/,
      );
    } finally {
      rmSync(incomplete, { recursive: true, force: true });
    }
    expect(
      attempt({
        webUrl: 'http://sightline.example.com',
        web: { packageDirectory, certificateArn: CERTIFICATE_ARN },
      }),
    ).toThrow('webUrl must be an https:// origin');
    expect(attempt({ web: { packageDirectory, certificateArn: CERTIFICATE_ARN } })).toThrow(
      'The web app needs webUrl',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { PLACEHOLDER_SCORE, SecretType } from './constants.ts';
import { detectSecrets } from './detectSecrets.ts';
import { SecretFactory } from './secretFactories.ts';

interface PositiveCase {
  name: string;
  type: SecretType;
  build: (f: SecretFactory) => { text: string; secret: string };
  minScore?: number;
}

const positives: PositiveCase[] = [
  {
    name: 'AWS access key id in an env file',
    type: SecretType.AWS_ACCESS_KEY_ID,
    build: (f) => {
      const secret = f.awsAccessKeyId();
      return { text: `AWS_ACCESS_KEY_ID=${secret}\nAWS_REGION=eu-west-1`, secret };
    },
  },
  {
    name: 'AWS secret access key near aws context',
    type: SecretType.AWS_SECRET_ACCESS_KEY,
    build: (f) => {
      const secret = f.awsSecretAccessKey();
      return { text: `[default]\naws_secret_access_key = ${secret}\n`, secret };
    },
  },
  {
    name: 'GCP API key in a URL',
    type: SecretType.GCP_API_KEY,
    build: (f) => {
      const secret = f.gcpApiKey();
      return {
        text: `curl "https://maps.googleapis.com/maps/api/geocode/json?address=Paris&key=${secret}"`,
        secret,
      };
    },
  },
  {
    name: 'GCP service account private key id',
    type: SecretType.GCP_SERVICE_ACCOUNT_KEY_ID,
    build: (f) => {
      const secret = f.hex(40);
      return {
        text: `{"type": "service_account", "project_id": "acme-prod", "private_key_id": "${secret}"}`,
        secret,
      };
    },
  },
  {
    name: 'GCP service account JSON private key (escaped newlines)',
    type: SecretType.PRIVATE_KEY,
    build: (f) => {
      const secret = f.pemBody(10).replaceAll('\n', '\\n');
      return {
        text: `{"private_key": "-----BEGIN PRIVATE KEY-----\\n${secret}\\n-----END PRIVATE KEY-----\\n", "client_email": "svc@acme.iam.gserviceaccount.com"}`,
        secret,
      };
    },
  },
  {
    name: 'RSA private key PEM block',
    type: SecretType.PRIVATE_KEY,
    build: (f) => {
      const secret = f.pemBody();
      return {
        text: `here is the key:\n-----BEGIN RSA PRIVATE KEY-----\n${secret}\n-----END RSA PRIVATE KEY-----\nthanks`,
        secret,
      };
    },
  },
  {
    name: 'OpenSSH private key cut short in a log line',
    type: SecretType.PRIVATE_KEY,
    build: (f) => {
      const secret = f.pemBody(4);
      return { text: `-----BEGIN OPENSSH PRIVATE KEY-----\n${secret}`, secret };
    },
  },
  {
    name: 'Azure storage connection string account key',
    type: SecretType.AZURE_STORAGE_ACCOUNT_KEY,
    build: (f) => {
      const secret = f.azureAccountKey();
      return {
        text: `DefaultEndpointsProtocol=https;AccountName=acmelogs;AccountKey=${secret};EndpointSuffix=core.windows.net`,
        secret,
      };
    },
  },
  {
    name: 'Azure storage key alone, near azure context',
    type: SecretType.AZURE_STORAGE_ACCOUNT_KEY,
    build: (f) => {
      const secret = f.azureAccountKey();
      return { text: `azure storage key1: ${secret}`, secret };
    },
  },
  {
    name: 'Azure Service Bus shared access key',
    type: SecretType.AZURE_SHARED_ACCESS_KEY,
    build: (f) => {
      const secret = f.base64Blob(43) + '=';
      return {
        text: `Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${secret}`,
        secret,
      };
    },
  },
  {
    name: 'Azure SAS token signature',
    type: SecretType.AZURE_SAS_TOKEN,
    build: (f) => {
      const secret = f.azureSasSignature();
      return {
        text: `https://acme.blob.core.windows.net/reports/q3.pdf?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-12-01T00:00:00Z&sig=${secret}`,
        secret,
      };
    },
  },
  ...(['ghp', 'gho', 'ghu', 'ghs', 'ghr'] as const).map((prefix): PositiveCase => ({
    name: `GitHub ${prefix}_ token with a valid checksum`,
    type: SecretType.GITHUB_TOKEN,
    minScore: 0.99,
    build: (f) => {
      const secret = f.githubToken(prefix);
      return {
        text: `git clone https://x-access-token@github.com/acme/api (token ${secret})`,
        secret,
      };
    },
  })),
  {
    name: 'GitHub fine-grained token',
    type: SecretType.GITHUB_TOKEN,
    build: (f) => {
      const secret = f.githubFineGrainedToken();
      return { text: `export GH_TOKEN="${secret}"`, secret };
    },
  },
  {
    name: 'GitLab personal access token',
    type: SecretType.GITLAB_TOKEN,
    build: (f) => {
      const secret = f.gitlabToken();
      return { text: `PRIVATE-TOKEN: ${secret}`, secret };
    },
  },
  {
    name: 'Slack bot token',
    type: SecretType.SLACK_TOKEN,
    build: (f) => {
      const secret = f.slackBotToken();
      return { text: `SLACK_BOT_TOKEN=${secret}`, secret };
    },
  },
  {
    name: 'Slack incoming webhook',
    type: SecretType.SLACK_WEBHOOK_URL,
    build: (f) => {
      const secret = f.slackWebhookPath();
      return { text: `post alerts to https://hooks.slack.com/services/${secret} please`, secret };
    },
  },
  {
    name: 'Stripe live secret key',
    type: SecretType.STRIPE_API_KEY,
    build: (f) => {
      const secret = f.stripeKey('live');
      return { text: `stripe.api_key = '${secret}'`, secret };
    },
  },
  {
    name: 'Stripe test key (lower score)',
    type: SecretType.STRIPE_API_KEY,
    minScore: 0.7,
    build: (f) => {
      const secret = f.stripeKey('test');
      return { text: `const stripe = new Stripe("${secret}");`, secret };
    },
  },
  {
    name: 'OpenAI project key',
    type: SecretType.OPENAI_API_KEY,
    build: (f) => {
      const secret = f.openAiProjectKey();
      return { text: `OPENAI_API_KEY=${secret}`, secret };
    },
  },
  {
    name: 'OpenAI legacy key',
    type: SecretType.OPENAI_API_KEY,
    build: (f) => {
      const secret = f.openAiLegacyKey();
      return { text: `client = OpenAI(api_key="${secret}")`, secret };
    },
  },
  {
    name: 'Anthropic key',
    type: SecretType.ANTHROPIC_API_KEY,
    build: (f) => {
      const secret = f.anthropicKey();
      return { text: `my key is ${secret} why does it return 401?`, secret };
    },
  },
  {
    name: 'JWT in an Authorization header',
    type: SecretType.JWT,
    build: (f) => {
      const secret = f.jwt();
      return { text: `Authorization: Bearer ${secret}`, secret };
    },
  },
  ...(
    [
      ['postgres', 'postgres://app:{p}@db.internal:5432/orders'],
      ['postgresql', 'DATABASE_URL=postgresql://app:{p}@10.0.0.5/orders?sslmode=require'],
      ['mongodb+srv', 'mongodb+srv://admin:{p}@cluster0.ab1cd.mongodb.net/test'],
      ['mysql', 'mysql://root:{p}@localhost:3306/shop'],
      ['redis', 'REDIS_URL=redis://default:{p}@redis-12345.c1.cloud.redislabs.com:12345'],
      ['amqp', 'amqps://worker:{p}@rabbit.acme.io/vhost'],
    ] as const
  ).map(([scheme, template]): PositiveCase => ({
    name: `${scheme} URL password`,
    type: SecretType.CONNECTION_STRING_PASSWORD,
    build: (f) => {
      const secret = f.password();
      return { text: template.replace('{p}', secret), secret };
    },
  })),
  {
    name: 'JDBC password parameter',
    type: SecretType.CONNECTION_STRING_PASSWORD,
    build: (f) => {
      const secret = f.password(12);
      return {
        text: `jdbc:sqlserver://db.acme.local:1433;databaseName=crm;user=svc_crm;password=${secret};encrypt=true`,
        secret,
      };
    },
  },
  {
    name: 'ADO.NET connection string password',
    type: SecretType.CONNECTION_STRING_PASSWORD,
    build: (f) => {
      const secret = f.password(14);
      return {
        text: `Server=tcp:acme.database.windows.net;User Id=app;Password=${secret};`,
        secret,
      };
    },
  },
  {
    name: 'generic secret assigned in code',
    type: SecretType.GENERIC_HIGH_ENTROPY_SECRET,
    build: (f) => {
      const secret = f.password(24);
      return { text: `const clientSecret = "${secret}";`, secret };
    },
    minScore: 0.6,
  },
  {
    name: 'password told in prose',
    type: SecretType.GENERIC_HIGH_ENTROPY_SECRET,
    build: () => {
      const secret = 'Tr0ub4dor&3xq';
      return { text: `my wifi password is ${secret} can you check it?`, secret };
    },
    minScore: 0.6,
  },
  {
    name: 'hex api key in YAML',
    type: SecretType.GENERIC_HIGH_ENTROPY_SECRET,
    build: (f) => {
      const secret = f.hex(32);
      return { text: `datadog:\n  api_key: ${secret}\n  site: datadoghq.eu`, secret };
    },
    minScore: 0.6,
  },
];

describe('detectSecrets positives', () => {
  it.each(positives.map((c, i) => [c.name, c, i] as const))('%s', (_name, testCase, index) => {
    // Prepare
    const { text, secret } = testCase.build(new SecretFactory(1000 + index));

    // Act
    const findings = detectSecrets(text);

    // Assess
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding?.type).toBe(testCase.type);
    expect(finding?.category).toBe('secret');
    expect(text.slice(finding?.start, finding?.end)).toBe(secret);
    expect(finding?.score).toBeGreaterThanOrEqual(testCase.minScore ?? 0.8);
    expect(finding?.score).toBeLessThanOrEqual(1);
  });
});

describe('detectSecrets hard negatives', () => {
  const f = new SecretFactory(7);
  const negatives: [string, string][] = [
    ['UUIDs', `request ${f.uuid()} failed, retry id ${f.uuid()}`],
    ['git SHA in prose', `fixed in commit ${f.hex(40)} (see PR #412)`],
    ['sha256 in prose', `sha256 of the release tarball is ${f.hex(64)}`],
    ['md5 checksum', `md5: ${f.hex(32)}`],
    ['base64 image', `<img src="data:image/png;base64,${f.base64Blob(6000)}=="/>`],
    ['base64 blob near aws word', `aws says the blob is ${f.base64Blob(400)}`],
    ['40-char hex near aws words', `aws deployment commit ${f.hex(40)}`],
    ['word tokens', 'The tokenizer splits text into tokens; token counts drive cost.'],
    ['password advice', 'Your password must be at least twelve characters long.'],
    ['identifier assignment', 'const token = getAccessTokenFromHeader(request);'],
    ['env var reference', 'password: ${DB_PASSWORD}'],
    ['connection string template', 'postgres://app:${PGPASSWORD}@db:5432/app'],
    ['connection string without password', 'postgres://app@db.internal:5432/orders'],
    ['masked password', 'password=********'],
    ['snake case value', 'secret_name = access_token_value'],
    ['plain URL', 'see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials.html'],
    ['not a JWT', 'eyJhbGciOiJub3QganNvbg.eyJzdWIiOiIxIn0.sig'],
    ['sk prefix word', 'the sk-learn library (scikit-learn) is great'],
    ['empty', ''],
  ];

  it.each(negatives)('%s', (_name, text) => {
    // Act
    const findings = detectSecrets(text);

    // Assess
    expect(findings).toEqual([]);
  });
});

describe('detectSecrets placeholders', () => {
  const cases: [string, string, string][] = [
    ['AWS documentation key', 'AKIAIOSFODNN7EXAMPLE', 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE'],
    [
      'AWS documentation secret',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ],
    ['connection string literal password', 'password', 'postgres://user:password@localhost/db'],
  ];

  it.each(cases)('%s is reported with the placeholder score', (_name, value, text) => {
    // Act
    const findings = detectSecrets(text);

    // Assess
    expect(findings).toHaveLength(1);
    expect(text.slice(findings[0]?.start, findings[0]?.end)).toBe(value);
    expect(findings[0]?.score).toBe(PLACEHOLDER_SCORE);
  });
});

describe('detectSecrets on mixed text', () => {
  it('finds every secret in one message, in order, without overlaps', () => {
    // Prepare
    const f = new SecretFactory(42);
    const aws = f.awsAccessKeyId();
    const gh = f.githubToken();
    const pass = f.password();
    const text = `deploy with ${aws}, push with ${gh}, db at postgres://svc:${pass}@db/app`;

    // Act
    const findings = detectSecrets(text);

    // Assess
    expect(findings.map((x) => [x.type, text.slice(x.start, x.end)])).toEqual([
      [SecretType.AWS_ACCESS_KEY_ID, aws],
      [SecretType.GITHUB_TOKEN, gh],
      [SecretType.CONNECTION_STRING_PASSWORD, pass],
    ]);
  });

  it('prefers the specific rule over the generic one for a keyword-assigned key', () => {
    // Prepare
    const key = new SecretFactory(3).openAiProjectKey();
    const text = `api_key = "${key}"`;

    // Act
    const findings = detectSecrets(text);

    // Assess
    expect(findings.map((x) => x.type)).toEqual([SecretType.OPENAI_API_KEY]);
  });

  it('scores a GitHub token with a wrong checksum lower than a valid one', () => {
    // Prepare
    const valid = new SecretFactory(5).githubToken();
    const broken = valid.slice(0, -1) + (valid.endsWith('A') ? 'B' : 'A');

    // Act
    const [validFinding] = detectSecrets(`token ${valid}`);
    const [brokenFinding] = detectSecrets(`token ${broken}`);

    // Assess
    expect(validFinding?.score).toBe(0.99);
    expect(brokenFinding?.score).toBeLessThan(0.99);
    expect(brokenFinding?.type).toBe(SecretType.GITHUB_TOKEN);
  });
});

describe('detectSecrets adversarial inputs', () => {
  const megabyte = 1 << 20;
  const inputs: [string, () => string][] = [
    ['a megabyte of one letter', () => 'A'.repeat(megabyte)],
    ['a megabyte of digits', () => '7'.repeat(megabyte)],
    ['repeated AKIA prefixes', () => 'AKIA'.repeat(megabyte / 4)],
    ['repeated eyJ prefixes', () => 'eyJ'.repeat(megabyte / 3)],
    ['repeated password= runs', () => 'password='.repeat(megabyte / 9)],
    ['repeated scheme prefixes', () => 'postgres://a:'.repeat(megabyte / 13)],
    ['repeated PEM headers', () => '-----BEGIN RSA PRIVATE KEY-----\n'.repeat(megabyte / 32)],
    ['a megabyte of base64', () => new SecretFactory(9).base64Blob(megabyte)],
    ['dots and at-signs', () => '.@'.repeat(megabyte / 2)],
    ['lone surrogates', () => '\ud800token: \udfff'.repeat(10_000)],
  ];

  it.each(inputs)('%s completes without throwing', (_name, build) => {
    // Prepare
    const text = build();

    // Act
    const findings = detectSecrets(text);

    // Assess
    expect(Array.isArray(findings)).toBe(true);
    for (const finding of findings) {
      expect(finding.start).toBeGreaterThanOrEqual(0);
      expect(finding.end).toBeLessThanOrEqual(text.length);
      expect(finding.end).toBeGreaterThan(finding.start);
    }
  });

  it('returns nothing for non-string input instead of throwing', () => {
    // Act
    const findings = detectSecrets(undefined as unknown as string);

    // Assess
    expect(findings).toEqual([]);
  });
});

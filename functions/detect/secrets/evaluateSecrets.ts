/**
 * Command: measures the secrets detector and prints the numbers quoted in docs/detection.md.
 *   npx tsx functions/detect/secrets/evaluateSecrets.ts [--prose path/to/texts.jsonl]
 * Recall per type on freshly generated credentials embedded in varied carriers (env files, code,
 * chat, logs); false positives on ordinary prose (any JSONL with a `text` field, by default the
 * shared injection development set, which has no secrets) and on generated hard negatives;
 * speed on 2 KB texts.
 */
import { readFileSync } from 'node:fs';
import { SecretType } from './constants.ts';
import { detectSecrets } from './detectSecrets.ts';
import { SecretFactory } from './secretFactories.ts';

const CASES_PER_TYPE = 200;
const DEFAULT_PROSE = '/work/shared/datasets/injection/injection_dev.jsonl';

type Generator = (f: SecretFactory) => { value: string; text: string };

const CARRIERS: ((snippet: string) => string)[] = [
  (s) => `Here is my config, why does the deploy fail?\n\n${s}\n\nThanks!`,
  (s) => `2026-11-26T10:00:01Z INFO starting worker with ${s}`,
  (s) => `\`\`\`\n${s}\n\`\`\``,
  (s) => `- name: deploy\n  env:\n    ${s}`,
];

const GENERATORS: [SecretType, Generator][] = [
  [
    SecretType.AWS_ACCESS_KEY_ID,
    (f) => {
      const v = f.awsAccessKeyId();
      return { value: v, text: `AWS_ACCESS_KEY_ID=${v}` };
    },
  ],
  [
    SecretType.AWS_SECRET_ACCESS_KEY,
    (f) => {
      const v = f.awsSecretAccessKey();
      return { value: v, text: `aws_secret_access_key = ${v}` };
    },
  ],
  [
    SecretType.GCP_API_KEY,
    (f) => {
      const v = f.gcpApiKey();
      return { value: v, text: `GOOGLE_API_KEY: "${v}"` };
    },
  ],
  [
    SecretType.GITHUB_TOKEN,
    (f) => {
      const v = f.githubToken();
      return { value: v, text: `git remote set-url origin https://${v}@github.com/acme/app.git` };
    },
  ],
  [
    SecretType.GITLAB_TOKEN,
    (f) => {
      const v = f.gitlabToken();
      return { value: v, text: `CI_TOKEN=${v}` };
    },
  ],
  [
    SecretType.SLACK_TOKEN,
    (f) => {
      const v = f.slackBotToken();
      return { value: v, text: `slack_token: ${v}` };
    },
  ],
  [
    SecretType.STRIPE_API_KEY,
    (f) => {
      const v = f.stripeKey();
      return { value: v, text: `STRIPE_SECRET=${v}` };
    },
  ],
  [
    SecretType.OPENAI_API_KEY,
    (f) => {
      const v = f.openAiProjectKey();
      return { value: v, text: `openai.api_key = "${v}"` };
    },
  ],
  [
    SecretType.ANTHROPIC_API_KEY,
    (f) => {
      const v = f.anthropicKey();
      return { value: v, text: `ANTHROPIC_API_KEY=${v}` };
    },
  ],
  [
    SecretType.AZURE_STORAGE_ACCOUNT_KEY,
    (f) => {
      const v = f.azureAccountKey();
      return { value: v, text: `AccountName=acme;AccountKey=${v};EndpointSuffix=core.windows.net` };
    },
  ],
  [
    SecretType.JWT,
    (f) => {
      const v = f.jwt();
      return { value: v, text: `Authorization: Bearer ${v}` };
    },
  ],
  [
    SecretType.PRIVATE_KEY,
    (f) => {
      const v = f.pemBody(12);
      return {
        value: v,
        text: `-----BEGIN EC PRIVATE KEY-----\n${v}\n-----END EC PRIVATE KEY-----`,
      };
    },
  ],
  [
    SecretType.CONNECTION_STRING_PASSWORD,
    (f) => {
      const v = f.password();
      return { value: v, text: `DATABASE_URL=postgres://app:${v}@db.internal:5432/app` };
    },
  ],
  [
    SecretType.GENERIC_HIGH_ENTROPY_SECRET,
    (f) => {
      const v = f.password(20);
      return { value: v, text: `client_secret: ${v}` };
    },
  ],
];

/** CPU time of this process in µs: on a shared machine, wall time mostly measures the queue. */
function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function print(line: string): void {
  process.stdout.write(line + '\n');
}

function readProse(argv: readonly string[]): string[] {
  const flag = argv.indexOf('--prose');
  const path = (flag >= 0 ? argv[flag + 1] : undefined) ?? DEFAULT_PROSE;
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => String((JSON.parse(l) as { text?: unknown }).text ?? ''));
}

function hardNegatives(f: SecretFactory): string[] {
  const out: string[] = [];
  for (let i = 0; i < CASES_PER_TYPE; i++) {
    out.push(`request id ${f.uuid()} took 230 ms`);
    out.push(`fixed in ${f.hex(40)}; the sha256 is ${f.hex(64)}`);
    out.push(`<img src="data:image/png;base64,${f.base64Blob(2000)}">`);
    out.push(`const token = readTokenFromHeader(request); // token ${i}`);
  }
  return out;
}

function main(): void {
  const f = new SecretFactory(2026);
  print(`recall on generated credentials (${CASES_PER_TYPE} per type, exact span and type):`);
  let found = 0;
  let total = 0;
  for (const [type, generate] of GENERATORS) {
    let hits = 0;
    for (let i = 0; i < CASES_PER_TYPE; i++) {
      const { value, text: snippet } = generate(f);
      const text = (CARRIERS[i % CARRIERS.length] as (s: string) => string)(snippet);
      const match = detectSecrets(text).some(
        (x) => x.type === type && text.slice(x.start, x.end) === value && x.score >= 0.5,
      );
      if (match) hits++;
    }
    found += hits;
    total += CASES_PER_TYPE;
    print(`  ${type.padEnd(28)} ${(hits / CASES_PER_TYPE).toFixed(3)}`);
  }
  print(`  all types                    ${(found / total).toFixed(3)}`);

  const prose = readProse(process.argv);
  const proseFindings = prose.flatMap((t) => detectSecrets(t).map((x) => ({ x, t })));
  print(`false positives on ${prose.length} prose texts: ${proseFindings.length}`);
  for (const { x, t } of proseFindings.slice(0, 5)) {
    print(
      `    ${x.type} ${x.score} ${JSON.stringify(t.slice(Math.max(0, x.start - 30), x.end + 10))}`,
    );
  }
  const negatives = hardNegatives(f);
  const negativeFindings = negatives.filter((t) => detectSecrets(t).length > 0).length;
  print(
    `hard negatives (UUIDs, SHAs, base64 images, identifiers) with a finding: ${negativeFindings}/${negatives.length}`,
  );

  const windows: string[] = [];
  let buffer = '';
  for (const text of prose) {
    buffer += text + '\n';
    while (buffer.length >= 2048) {
      windows.push(buffer.slice(0, 2048));
      buffer = buffer.slice(2048);
    }
  }
  for (const w of windows) detectSecrets(w);
  const rounds = 20;
  let t0 = cpuMicros();
  for (let r = 0; r < rounds; r++) for (const w of windows) detectSecrets(w);
  const perText = (cpuMicros() - t0) / (rounds * windows.length);
  let checksum = 0;
  t0 = cpuMicros();
  for (let r = 0; r < rounds; r++) {
    for (const w of windows) for (let i = 0; i < w.length; i++) checksum += w.charCodeAt(i);
  }
  const perPass = (cpuMicros() - t0) / (rounds * windows.length);
  print(
    `speed: detectSecrets ${perText.toFixed(1)} µs CPU per 2 KB text; one charCodeAt pass over 2 KB on this machine: ${perPass.toFixed(1)} µs CPU (checksum ${checksum % 10})`,
  );
}

main();

/**
 * Test factories: realistic, freshly generated credentials of every kind the secret rules know
 * (random bodies from a seeded generator, so no real credential is ever committed).
 */
import { seededRandom, type Random } from '../../common/seededRandom.ts';
import { base62, crc32 } from './secretValueChecks.ts';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const BASE64 = ALNUM + '+/';
const BASE64URL = ALNUM + '-_';

export class SecretFactory {
  private readonly next: Random;

  constructor(seed = 1) {
    this.next = seededRandom(seed);
  }

  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  awsAccessKeyId(): string {
    return 'AKIA' + this.chars(UPPER + '234567', 16);
  }
  awsSecretAccessKey(): string {
    return this.chars(BASE64, 40);
  }
  gcpApiKey(): string {
    return 'AIza' + this.chars(BASE64URL, 35);
  }
  githubToken(prefix = 'ghp'): string {
    const body = this.chars(ALNUM, 30);
    return `${prefix}_${body}${base62(crc32(body), 6)}`;
  }
  githubFineGrainedToken(): string {
    return `github_pat_${this.chars(ALNUM, 22)}_${this.chars(ALNUM, 59)}`;
  }
  gitlabToken(): string {
    return 'glpat-' + this.chars(ALNUM + '_-', 20);
  }
  slackBotToken(): string {
    return `xoxb-${this.chars(DIGITS, 12)}-${this.chars(DIGITS, 13)}-${this.chars(ALNUM, 24)}`;
  }
  slackWebhookPath(): string {
    return `T${this.chars(UPPER + DIGITS, 8)}/B${this.chars(UPPER + DIGITS, 10)}/${this.chars(ALNUM, 24)}`;
  }
  stripeKey(mode: 'live' | 'test' = 'live'): string {
    return `sk_${mode}_${this.chars(ALNUM, 99)}`;
  }
  openAiProjectKey(): string {
    return `sk-proj-${this.chars(BASE64URL, 120)}`;
  }
  openAiLegacyKey(): string {
    return `sk-${this.chars(ALNUM, 20)}T3BlbkFJ${this.chars(ALNUM, 20)}`;
  }
  anthropicKey(): string {
    return `sk-ant-api03-${this.chars(BASE64URL, 93)}AA`;
  }
  azureAccountKey(): string {
    return this.chars(BASE64, 86) + '==';
  }
  azureSasSignature(): string {
    return this.chars(ALNUM + '%', 43) + '%3D';
  }
  password(length = 16): string {
    // URL-safe symbols only, so the same value works inside connection-string URLs.
    return this.chars(ALNUM + '!%^*~', length - 2) + this.chars(DIGITS, 1) + this.chars('!~', 1);
  }
  hex(length: number): string {
    return this.chars('0123456789abcdef', length);
  }
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  }
  pemBody(lines = 25): string {
    const out: string[] = [];
    for (let i = 0; i < lines; i++) out.push(this.chars(BASE64, 64));
    return out.join('\n');
  }
  jwt(alg = 'HS256'): string {
    const header = Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({ sub: this.hex(12), iat: 1_700_000_000, role: 'admin' }),
    ).toString('base64url');
    return `${header}.${payload}.${alg === 'none' ? '' : this.chars(BASE64URL, 43)}`;
  }
  base64Blob(length: number): string {
    return this.chars(BASE64, length);
  }
}

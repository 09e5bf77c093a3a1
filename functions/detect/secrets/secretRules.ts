/**
 * The secret rules, in the spirit of gitleaks (written here): one pattern per credential kind,
 * whose named group `value` is exactly the span a redactor must mask, and a check that turns a
 * match into a score or rejects it.
 *
 * Every pattern runs in linear time: quantifiers are bounded, and a pattern that starts with a
 * character class starts with a lookbehind so it is tried once per run of such characters, not
 * at every position inside the run.
 */
import { PLACEHOLDER_SCORE, SecretType } from './constants.ts';
import {
  decodeBase64Url,
  hasValidGithubChecksum,
  isPlaceholder,
  isTemplateReference,
  isUuid,
  looksRandom,
} from './secretValueChecks.ts';
import { shannonEntropy } from './shannonEntropy.ts';

export interface SecretMatchContext {
  text: string;
  /** Where the whole match starts (the value may start later). */
  matchStart: number;
  value: string;
  /** The matched keyword for keyword-anchored rules. */
  keyword?: string;
}

export interface SecretRule {
  id: string;
  type: SecretType;
  /** Global, with indices (`dg`); the named group `value` is the secret. */
  pattern: RegExp;
  /**
   * Cheap gate before the pattern runs: at least one of these substrings must occur (in the
   * lower-cased text when `lowerCaseGate`), which skips most rules on most texts.
   */
  requires?: readonly string[];
  lowerCaseGate?: boolean;
  /** Higher wins when two findings overlap. */
  priority: number;
  /** The score for this match, or null to reject it. */
  score: (match: SecretMatchContext) => number | null;
}

function preceding(match: SecretMatchContext, length: number): string {
  return match.text.slice(Math.max(0, match.matchStart - length), match.matchStart);
}

/** A fixed score, lowered for placeholders and refused for template references. */
function fixedScore(score: number) {
  return (match: SecretMatchContext): number | null => {
    if (isTemplateReference(match.value)) return null;
    return isPlaceholder(match.value) ? PLACEHOLDER_SCORE : score;
  };
}

const SAS_CONTEXT = /[?&](?:sv|se|sp|sr|st|spr|ss|srt)=/;
const CONNECTION_CONTEXT = /jdbc:|server\s*=|data source\s*=|host\s*=|user id\s*=|uid\s*=/i;
const STRONG_KEYWORD = /passw|passphrase|pwd|secret|api[_.-]?key|apikey|private|access[_.-]?key/i;

export const SECRET_RULES: readonly SecretRule[] = [
  {
    id: 'aws-access-key-id',
    requires: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'],
    type: SecretType.AWS_ACCESS_KEY_ID,
    pattern:
      /(?<![A-Za-z0-9])(?<value>(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})(?![A-Za-z0-9])/dg,
    priority: 90,
    score: fixedScore(0.95),
  },
  {
    id: 'gcp-api-key',
    requires: ['AIza'],
    type: SecretType.GCP_API_KEY,
    pattern: /(?<![A-Za-z0-9_-])(?<value>AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/dg,
    priority: 90,
    score: fixedScore(0.95),
  },
  {
    id: 'gcp-service-account-key-id',
    requires: ['private_key_id'],
    type: SecretType.GCP_SERVICE_ACCOUNT_KEY_ID,
    pattern: /"private_key_id"\s{0,5}:\s{0,5}"(?<value>[a-f0-9]{40})"/dg,
    priority: 90,
    score: fixedScore(0.9),
  },
  {
    id: 'azure-storage-account-key',
    requires: ['AccountKey'],
    type: SecretType.AZURE_STORAGE_ACCOUNT_KEY,
    pattern: /AccountKey\s{0,3}=\s{0,3}(?<value>[A-Za-z0-9+/]{20,120}={0,2})/dg,
    priority: 90,
    score: fixedScore(0.95),
  },
  {
    id: 'azure-shared-access-key',
    requires: ['SharedAccessKey'],
    type: SecretType.AZURE_SHARED_ACCESS_KEY,
    pattern: /SharedAccessKey\s{0,3}=\s{0,3}(?<value>[A-Za-z0-9+/]{20,120}={0,2})/dg,
    priority: 90,
    score: fixedScore(0.95),
  },
  {
    id: 'azure-sas-token',
    requires: ['sig='],
    type: SecretType.AZURE_SAS_TOKEN,
    pattern: /[?&;]sig=(?<value>[A-Za-z0-9%+/]{30,200}(?:%3D|=){0,2})/dg,
    priority: 85,
    score: (match) => {
      const around = match.text.slice(Math.max(0, match.matchStart - 600), match.matchStart + 1);
      if (!SAS_CONTEXT.test(around)) return null;
      return isPlaceholder(match.value) ? PLACEHOLDER_SCORE : 0.9;
    },
  },
  {
    id: 'github-token',
    requires: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    type: SecretType.GITHUB_TOKEN,
    pattern: /(?<![A-Za-z0-9_])(?<value>gh[pousr]_[A-Za-z0-9]{36})(?![A-Za-z0-9_])/dg,
    priority: 95,
    score: (match) => {
      if (isPlaceholder(match.value)) return PLACEHOLDER_SCORE;
      return hasValidGithubChecksum(match.value) ? 0.99 : 0.9;
    },
  },
  {
    id: 'github-fine-grained-token',
    requires: ['github_pat_'],
    type: SecretType.GITHUB_TOKEN,
    pattern: /(?<![A-Za-z0-9_])(?<value>github_pat_[A-Za-z0-9_]{60,120})(?![A-Za-z0-9_])/dg,
    priority: 95,
    score: fixedScore(0.97),
  },
  {
    id: 'gitlab-token',
    requires: [
      'glpat-',
      'gldt-',
      'glptt-',
      'glrt-',
      'glcbt-',
      'glft-',
      'glimt-',
      'gloas-',
      'glsoat-',
    ],
    type: SecretType.GITLAB_TOKEN,
    pattern:
      /(?<![A-Za-z0-9_-])(?<value>gl(?:pat|dt|ptt|rt|cbt|ft|imt|oas|soat)-[A-Za-z0-9_-]{20,64})(?![A-Za-z0-9_-])/dg,
    priority: 95,
    score: fixedScore(0.95),
  },
  {
    id: 'slack-token',
    requires: ['xoxa-', 'xoxb-', 'xoxp-', 'xoxo-', 'xoxs-', 'xoxr-', 'xapp-'],
    type: SecretType.SLACK_TOKEN,
    pattern:
      /(?<![A-Za-z0-9-])(?<value>(?:xox[abposr]|xapp)-[A-Za-z0-9-]{10,250})(?![A-Za-z0-9-])/dg,
    priority: 95,
    score: fixedScore(0.95),
  },
  {
    id: 'slack-webhook-url',
    requires: ['hooks.slack.com'],
    type: SecretType.SLACK_WEBHOOK_URL,
    pattern:
      /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/(?<value>[A-Za-z0-9_/-]{20,200})/dg,
    priority: 95,
    score: fixedScore(0.95),
  },
  {
    id: 'stripe-api-key',
    requires: ['k_live_', 'k_test_'],
    type: SecretType.STRIPE_API_KEY,
    pattern:
      /(?<![A-Za-z0-9_])(?<value>(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,247})(?![A-Za-z0-9])/dg,
    priority: 95,
    score: (match) => {
      if (isPlaceholder(match.value)) return PLACEHOLDER_SCORE;
      // A test-mode key cannot move money but still opens the account's test data.
      return match.value.includes('_live_') ? 0.97 : 0.75;
    },
  },
  {
    id: 'anthropic-api-key',
    requires: ['sk-ant-'],
    type: SecretType.ANTHROPIC_API_KEY,
    pattern:
      /(?<![A-Za-z0-9_-])(?<value>sk-ant-[a-z0-9]{2,12}-[A-Za-z0-9_-]{32,200})(?![A-Za-z0-9_-])/dg,
    priority: 96,
    score: fixedScore(0.97),
  },
  {
    id: 'openai-api-key',
    requires: ['sk-'],
    type: SecretType.OPENAI_API_KEY,
    pattern:
      /(?<![A-Za-z0-9_-])(?<value>sk-(?:(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,250}|[A-Za-z0-9]{32,64}))(?![A-Za-z0-9_-])/dg,
    priority: 94,
    score: (match) => {
      if (isPlaceholder(match.value)) return PLACEHOLDER_SCORE;
      // "T3BlbkFJ" is base64 for "OpenAI"; bare sk-… keys are also issued by other providers.
      if (/^sk-(?:proj|svcacct|admin)-/.test(match.value) || match.value.includes('T3BlbkFJ')) {
        return 0.97;
      }
      return looksRandom(match.value.slice(3)) ? 0.8 : null;
    },
  },
  {
    id: 'jwt',
    requires: ['eyJ'],
    type: SecretType.JWT,
    pattern:
      /(?<![A-Za-z0-9_-])(?<value>eyJ[A-Za-z0-9_-]{8,4096}\.[A-Za-z0-9_-]{2,16384}\.[A-Za-z0-9_-]{0,4096})(?![A-Za-z0-9_.-])/dg,
    priority: 92,
    score: (match) => {
      const [header, , signature] = match.value.split('.');
      const decoded = decodeBase64Url(header ?? '');
      if (decoded === undefined) return null;
      let parsed: unknown;
      try {
        parsed = JSON.parse(decoded);
      } catch {
        return null;
      }
      if (typeof parsed !== 'object' || parsed === null) return null;
      const alg = (parsed as Record<string, unknown>).alg;
      if (typeof alg !== 'string') return null;
      // An unsigned token (alg "none") grants nothing a server should accept, but still leaks claims.
      return alg.toLowerCase() === 'none' || !signature ? 0.7 : 0.95;
    },
  },
  {
    id: 'url-password',
    requires: ['://'],
    type: SecretType.CONNECTION_STRING_PASSWORD,
    pattern:
      /(?<![A-Za-z0-9+.-])(?<scheme>postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|ftps?|sftp|smtps?|ldaps?|https?):\/\/[^\s:/@?#'"]{0,128}:(?<value>[^\s@/?#'"]{1,256})@/dg,
    priority: 88,
    score: (match) => {
      if (isTemplateReference(match.value)) return null;
      if (isPlaceholder(match.value)) return PLACEHOLDER_SCORE;
      return /^https?:/i.test(match.text.slice(match.matchStart, match.matchStart + 6))
        ? 0.8
        : 0.93;
    },
  },
  {
    id: 'connection-string-password',
    requires: ['password', 'pwd'],
    lowerCaseGate: true,
    type: SecretType.CONNECTION_STRING_PASSWORD,
    pattern: /(?<![A-Za-z0-9_])(?:password|pwd)\s{0,3}=\s{0,3}(?<value>[^;&\s"'<>]{1,256})/dgi,
    priority: 80,
    score: (match) => {
      if (!CONNECTION_CONTEXT.test(preceding(match, 512))) return null;
      if (isTemplateReference(match.value)) return null;
      return isPlaceholder(match.value) ? PLACEHOLDER_SCORE : 0.9;
    },
  },
  {
    id: 'generic-high-entropy-secret',
    requires: ['pass', 'pwd', 'secret', 'token', 'key', 'credential', 'bearer'],
    lowerCaseGate: true,
    type: SecretType.GENERIC_HIGH_ENTROPY_SECRET,
    pattern:
      /(?<keyword>passw(?:or)?d|passphrase|pwd|secret|token|api[_.-]?key|apikey|access[_.-]?key|auth[_.-]?key|credentials?|bearer)[A-Za-z0-9_.-]{0,30}["']?(?:\s{0,3}(?::=|=>|[:=])\s{0,3}|\s{1,3}(?:is|was)\s{1,3}|\s{1,3})["'`]?(?<value>[^\s"'`,;<>]{10,256})(?![^\s"'`,;<>])/dgi,
    priority: 10,
    score: (match) => {
      const value = match.value;
      if (isTemplateReference(value) || /^https?:|[()[\]{}]/i.test(value)) return null;
      if (!looksRandom(value)) return null;
      if (isPlaceholder(value)) return PLACEHOLDER_SCORE;
      // A UUID next to "token" may be a key (some providers issue UUID keys) or only an id.
      if (isUuid(value)) return 0.5;
      let score = 0.6;
      if (shannonEntropy(value) >= 4) score += 0.1;
      if (STRONG_KEYWORD.test(match.keyword ?? '')) score += 0.1;
      return score;
    },
  },
];

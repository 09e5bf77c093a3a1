/**
 * Secret finding types, the detector identity stamped on every secret finding, and the score
 * bands shared by the rules (see docs/detection.md, "Secrets").
 */
import type { DetectorRef } from '../types.ts';

export const SECRETS_DETECTOR: DetectorRef = { id: 'secrets', version: '1.0.0' };

export const SecretType = {
  AWS_ACCESS_KEY_ID: 'AWS_ACCESS_KEY_ID',
  AWS_SECRET_ACCESS_KEY: 'AWS_SECRET_ACCESS_KEY',
  GCP_API_KEY: 'GCP_API_KEY',
  GCP_SERVICE_ACCOUNT_KEY_ID: 'GCP_SERVICE_ACCOUNT_KEY_ID',
  AZURE_STORAGE_ACCOUNT_KEY: 'AZURE_STORAGE_ACCOUNT_KEY',
  AZURE_SHARED_ACCESS_KEY: 'AZURE_SHARED_ACCESS_KEY',
  AZURE_SAS_TOKEN: 'AZURE_SAS_TOKEN',
  GITHUB_TOKEN: 'GITHUB_TOKEN',
  GITLAB_TOKEN: 'GITLAB_TOKEN',
  SLACK_TOKEN: 'SLACK_TOKEN',
  SLACK_WEBHOOK_URL: 'SLACK_WEBHOOK_URL',
  STRIPE_API_KEY: 'STRIPE_API_KEY',
  OPENAI_API_KEY: 'OPENAI_API_KEY',
  ANTHROPIC_API_KEY: 'ANTHROPIC_API_KEY',
  PRIVATE_KEY: 'PRIVATE_KEY',
  JWT: 'JWT',
  CONNECTION_STRING_PASSWORD: 'CONNECTION_STRING_PASSWORD',
  GENERIC_HIGH_ENTROPY_SECRET: 'GENERIC_HIGH_ENTROPY_SECRET',
} as const;

export type SecretType = (typeof SecretType)[keyof typeof SecretType];

/** Score given to a match whose value reads as documentation (AKIAIOSFODNN7EXAMPLE, "your_key"). */
export const PLACEHOLDER_SCORE = 0.3;

/** Longest private-key body searched for its END line; real keys are well under 16 KB. */
export const MAX_PRIVATE_KEY_BODY = 65_536;

/**
 * Item shapes of the control-plane tables in DynamoDB, validated on every read.
 */
import { z } from 'zod';
import { KeyIdSchema, ProjectIdSchema } from '@sightline/sdk/contract';

export const DEFAULT_RETENTION_DAYS = 90;

export const ProjectItemSchema = z.object({
  projectId: ProjectIdSchema,
  name: z.string().min(1).max(200),
  retentionDays: z.number().int().min(1).max(3650).default(DEFAULT_RETENTION_DAYS),
  createdAt: z.string(),
});

export const IngestKeyStatusSchema = z.enum(['active', 'revoked']);

export const IngestKeyItemSchema = z.object({
  projectId: ProjectIdSchema,
  keyId: KeyIdSchema,
  /** HMAC secret shared with the producer. Encrypted at rest by the table's KMS key. */
  secret: z.string().min(32),
  status: IngestKeyStatusSchema,
  createdAt: z.string(),
});

export type ProjectItem = z.infer<typeof ProjectItemSchema>;
export type IngestKeyItem = z.infer<typeof IngestKeyItemSchema>;

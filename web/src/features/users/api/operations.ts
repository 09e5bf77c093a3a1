/**
 * `/api/v1` operations of the users and sessions views: per-user usage, cost and error rate;
 * one user's traces; one session's traces in order. The query schemas are also what the
 * pages parse their URL with.
 */
import { z } from 'zod';
import { MAX_CURSOR_CHARS } from '../../../../../functions/store/queryCursor.ts';
import { defineOperation } from '../../../server/api/operations.ts';
import { checkTimeRange, timeRangeQueryShape } from '../../../components/timeRange/timeRange.ts';
import { TraceListRowSchema } from '../../traces/api/operations.ts';

export const USER_SORTS = ['cost', 'requests', 'errors', 'last_seen'] as const;

export const UserListQuerySchema = z
  .object({
    ...timeRangeQueryShape,
    sort: z.enum(USER_SORTS).default('cost').describe('Largest (or latest) first.'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).max(MAX_CURSOR_CHARS).optional(),
  })
  .superRefine(checkTimeRange);
export type UserListQuery = z.infer<typeof UserListQuerySchema>;

export const UserRowSchema = z.object({
  userId: z.string(),
  requests: z.number(),
  traces: z.number(),
  errors: z.number(),
  errorRate: z.number(),
  costUsd: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  firstSeen: z.string(),
  lastSeen: z.string(),
});
export type UserRowView = z.infer<typeof UserRowSchema>;

export const UserListResponseSchema = z.object({
  from: z.string(),
  to: z.string(),
  rows: z.array(UserRowSchema),
  nextCursor: z.string().nullable(),
});
export type UserListResponse = z.infer<typeof UserListResponseSchema>;

/** A user's or a session's traces: a window and a page. */
export const TracePageQuerySchema = z
  .object({
    ...timeRangeQueryShape,
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).max(MAX_CURSOR_CHARS).optional(),
  })
  .superRefine(checkTimeRange);
export type TracePageQuery = z.infer<typeof TracePageQuerySchema>;

export const UserTracesResponseSchema = z.object({
  userId: z.string(),
  from: z.string(),
  to: z.string(),
  traces: z.array(TraceListRowSchema).describe('Newest first'),
  nextCursor: z.string().nullable(),
  contentHidden: z.boolean(),
});
export type UserTracesResponse = z.infer<typeof UserTracesResponseSchema>;

export const SessionResponseSchema = z.object({
  sessionId: z.string(),
  from: z.string(),
  to: z.string(),
  traces: z.array(TraceListRowSchema).describe('Oldest first: the conversation in order'),
  nextCursor: z.string().nullable(),
  contentHidden: z.boolean(),
});
export type SessionResponse = z.infer<typeof SessionResponseSchema>;

/** User and session ids are producer-chosen text; the path carries them encoded. */
export const ExternalIdSchema = z.string().min(1).max(256);

export const listUsersOperation = defineOperation({
  id: 'listUsers',
  method: 'GET',
  path: '/api/v1/projects/{projectId}/users',
  summary: 'Per-user requests, traces, errors, tokens and cost over a window.',
  tag: 'Users',
  permission: 'metrics:read',
  query: UserListQuerySchema,
  response: UserListResponseSchema,
});

export const getUserOperation = defineOperation({
  id: 'getUserTraces',
  method: 'GET',
  path: '/api/v1/projects/{projectId}/users/{userId}',
  summary: "One user's traces over a window, newest first.",
  tag: 'Users',
  permission: 'traces:read',
  query: TracePageQuerySchema,
  response: UserTracesResponseSchema,
});

export const getSessionOperation = defineOperation({
  id: 'getSession',
  method: 'GET',
  path: '/api/v1/projects/{projectId}/sessions/{sessionId}',
  summary: "One session's traces over a window, oldest first (default window 30 days).",
  tag: 'Users',
  permission: 'traces:read',
  query: TracePageQuerySchema,
  response: SessionResponseSchema,
});

export const userOperations = [listUsersOperation, getUserOperation, getSessionOperation];

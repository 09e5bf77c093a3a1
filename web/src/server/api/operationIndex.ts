/**
 * Every `/api/v1` operation, in one list: the OpenAPI document is generated from it. A feature
 * adds its operations with one import and one spread line.
 */
import type { ApiOperation } from './operations.ts';
import { adminOperations } from '../../features/settings/api/operations.ts';
import { authOperations } from '../../features/auth/api/operations.ts';
import { overviewOperations } from '../../features/overview/api/operations.ts';
import { traceOperations } from '../../features/traces/api/operations.ts';
import { userOperations } from '../../features/users/api/operations.ts';
import { promptOperations } from '../../features/prompts/api/operations.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- operations differ in their schema types
export const OPERATIONS: ReadonlyArray<ApiOperation<any, any>> = [
  ...authOperations,
  ...adminOperations,
  ...overviewOperations,
  ...traceOperations,
  ...userOperations,
  ...promptOperations,
];

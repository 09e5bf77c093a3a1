/**
 * Builds the Lambda `Context` passed with each local invocation: enough for handlers and
 * Powertools (request id, function name and ARN, remaining time), nothing that needs AWS.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface LambdaContextInput {
  functionName: string;
  functionArn: string;
  timeoutMs: number;
  memoryLimitInMB?: number;
}

export function createLambdaContext(input: LambdaContextInput): Context {
  const deadline = Date.now() + input.timeoutMs;
  const awsRequestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: input.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: input.functionArn,
    memoryLimitInMB: String(input.memoryLimitInMB ?? 1024),
    awsRequestId,
    logGroupName: `/aws/lambda/${input.functionName}`,
    logStreamName: `local/[$LATEST]${awsRequestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // Deprecated callback-era methods, required by the type; promise-style handlers never call them.
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

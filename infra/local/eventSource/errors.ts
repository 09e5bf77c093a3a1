/**
 * Errors of the local Kinesis event-source runner. Each has a stable `code`; none of them
 * escapes the shard loops, which log and carry on — they surface from `start()`, from
 * settings validation, or inside on-failure records.
 */

export class EventSourceError extends Error {
  readonly code: string = 'EVENT_SOURCE_ERROR';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EventSourceError';
  }
}

export class InvalidEventSourceSettingsError extends EventSourceError {
  override readonly code = 'INVALID_EVENT_SOURCE_SETTINGS';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventSourceSettingsError';
  }
}

/** The checkpoint file exists but cannot be read or parsed; starting would replay or skip. */
export class CheckpointFileError extends EventSourceError {
  override readonly code = 'CHECKPOINT_FILE_ERROR';
  readonly path: string;
  constructor(path: string, message: string, options?: ErrorOptions) {
    super(`Checkpoint file ${path}: ${message}`, options);
    this.name = 'CheckpointFileError';
    this.path = path;
  }
}

export class RunnerStateError extends EventSourceError {
  override readonly code = 'RUNNER_STATE_ERROR';
  constructor(message: string) {
    super(message);
    this.name = 'RunnerStateError';
  }
}

/** The handler did not settle within `handlerTimeoutMs`; counted as a function error. */
export class HandlerTimeoutError extends EventSourceError {
  override readonly code = 'HANDLER_TIMEOUT';
  constructor(timeoutMs: number) {
    super(`Handler did not settle within ${timeoutMs} ms`);
    this.name = 'HandlerTimeoutError';
  }
}

/**
 * The handler's batch response names an item that is empty, null or not in the batch; Lambda
 * then treats the whole batch as failed, and so do we.
 */
export class InvalidBatchResponseError extends EventSourceError {
  override readonly code = 'INVALID_BATCH_RESPONSE';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidBatchResponseError';
  }
}

/** The handler reported item failures and the remaining records ran out of retries. */
export class BatchItemFailuresError extends EventSourceError {
  override readonly code = 'BATCH_ITEM_FAILURES';
  constructor(failedSequenceNumber: string) {
    super(`Handler reported a batch item failure from sequence number ${failedSequenceNumber}`);
    this.name = 'BatchItemFailuresError';
  }
}

export class IdleTimeoutError extends EventSourceError {
  override readonly code = 'IDLE_TIMEOUT';
  constructor(timeoutMs: number) {
    super(`The event source did not become idle within ${timeoutMs} ms`);
    this.name = 'IdleTimeoutError';
  }
}

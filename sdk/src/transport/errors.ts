/**
 * Errors the transport reports through `onError` (it never throws them into the host).
 */

/** The export worker could not start, crashed or exited; export goes on on the host's thread. */
export class ExportWorkerError extends Error {
  readonly code = 'SIGHTLINE_EXPORT_WORKER_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExportWorkerError';
  }
}

/** An export failure inside the worker (a refused request, an unserialisable item…), relayed. */
export class ExportError extends Error {
  readonly code: string;
  constructor(relayed: { name: string; message: string; code?: string }) {
    super(relayed.message);
    this.name = relayed.name;
    this.code = relayed.code ?? 'SIGHTLINE_EXPORT_FAILED';
  }
}

/** The plain-data form of an error, to post it across threads. */
export function relayableError(error: unknown): { name: string; message: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  let message = '[unprintable error]';
  try {
    message = String(error);
  } catch {
    // A hostile value still relays as an error.
  }
  return { name: 'Error', message };
}

/**
 * Items given up before export: the buffer was full (by count or bytes, dropped by the overflow
 * policy) or the transport was shut down, an item could not be built, or the wire contract
 * refuses it (a score value that is not a finite number, refused at the call by the client).
 * Each is counted in `stats().dropped`; the transport reports its drops together, once per
 * event-loop turn.
 */
export class ItemsDroppedError extends Error {
  readonly code = 'SIGHTLINE_ITEMS_DROPPED';
  readonly count: number;
  constructor(count: number, reasons: readonly string[]) {
    super(`Sightline: dropped ${count} item${count === 1 ? '' : 's'} (${reasons.join(', ')})`);
    this.name = 'ItemsDroppedError';
    this.count = count;
  }
}

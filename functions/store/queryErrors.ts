/**
 * The named errors the read repositories throw for input they cannot answer. The HTTP layer
 * maps both to 400 INVALID_REQUEST with the message as the reason.
 */

/** A filter, range or option that cannot be answered as asked (e.g. `to` before `from`). */
export class InvalidQueryError extends Error {
  readonly code = 'INVALID_QUERY';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidQueryError';
  }
}

/** A pagination cursor that was not issued by us for this sort, or was tampered with. */
export class InvalidCursorError extends Error {
  readonly code = 'INVALID_CURSOR';
  constructor(message = 'The cursor is invalid for this query') {
    super(message);
    this.name = 'InvalidCursorError';
  }
}

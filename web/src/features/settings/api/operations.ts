/** `/api/v1` operations of the project settings: members, ingest keys, API tokens. */
export const adminOperations = [];

/**
 * The wire contract: the one definition of what producers send and the ingest function
 * accepts. Imported by the SDK and by the functions; exported as JSON Schema for producers
 * in other languages (`sdk/schema/`).
 */
export * from './limits.ts';
export * from './items.ts';
export * from './envelope.ts';
export { wireContractJsonSchema } from './jsonSchema.ts';

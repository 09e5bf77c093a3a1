/**
 * What the benchmark takes from the SDK. The bench runs the built npm package's main module
 * in its place (sdkOverhead.ts), which exports the same names; these sources serve when a
 * worker is run by hand.
 */
export { KinesisTransport, Sightline, traceLlmCall } from '../../../sdk/src/index.ts';
export type { QueuedItem, SpanAttributes, Transport } from '../../../sdk/src/index.ts';

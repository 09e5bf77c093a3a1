/**
 * What the benchmark takes from the SDK. The bench runs it as an esbuild bundle (plain
 * JavaScript, as a published package is), not through the tsx loader, whose keep-names
 * transform adds a call to every closure the SDK creates.
 */
export { KinesisTransport, Sightline, traceLlmCall } from '../../../sdk/src/index.ts';
export type { SpanAttributes } from '../../../sdk/src/index.ts';

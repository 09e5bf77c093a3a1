/**
 * OpenTelemetry bridge (`@sightline/sdk/opentelemetry`): a span exporter that maps OTel GenAI
 * spans onto the wire contract and sends them with Sightline's transport.
 *
 *   import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
 *   import { SightlineSpanExporter } from '@sightline/sdk/opentelemetry';
 *   const exporter = new SightlineSpanExporter({ sightline: init() });
 *   const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
 */
export {
  SightlineSpanExporter,
  type SightlineSpanExporterOptions,
} from './SightlineSpanExporter.ts';
export { mapOtelSpan, isGenAiSpan } from './mapOtelSpan.ts';

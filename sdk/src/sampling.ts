/**
 * Head sampling by trace: the decision is a pure function of the trace id, so every service
 * (and every SDK using the same rule, as OpenTelemetry's TraceIdRatioBased sampler does) keeps
 * or drops the same traces, and a trace is never half recorded.
 */
export function isTraceSampled(traceId: string, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  // The last 8 hex digits (random in W3C ids) as a fraction of 2^32.
  const value = Number.parseInt(traceId.slice(-8), 16);
  return value / 0x1_0000_0000 < rate;
}

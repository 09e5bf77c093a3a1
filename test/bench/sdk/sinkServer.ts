/**
 * The loopback endpoints the tracers export to, equally cheap for all: an OTLP/HTTP sink
 * (OpenTelemetry and Langfuse) that answers 200 at once, and a Kinesis stand-in that accepts
 * every PutRecords entry. Both count what they received, so a run that exported nothing is seen.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SinkServer {
  endpoint: string;
  counts: { otlpRequests: number; kinesisRecords: number; kinesisRequests: number; bytes: number };
  close(): Promise<void>;
}

export async function startSinkServer(): Promise<SinkServer> {
  const counts = { otlpRequests: 0, kinesisRecords: 0, kinesisRequests: 0, bytes: 0 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      counts.bytes += body.length;
      const target = request.headers['x-amz-target'];
      if (typeof target === 'string' && target.endsWith('.PutRecords')) {
        const { Records: records = [] } = JSON.parse(body.toString()) as { Records?: unknown[] };
        counts.kinesisRequests += 1;
        counts.kinesisRecords += records.length;
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(
          JSON.stringify({
            FailedRecordCount: 0,
            Records: records.map((_, index) => ({
              SequenceNumber: String(counts.kinesisRecords + index),
              ShardId: 'shardId-000000000000',
            })),
          }),
        );
        return;
      }
      counts.otlpRequests += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * How a PutRecords request is sent. A client the host gave goes through its own `send()`, with
 * whatever middleware and settings it carries. The client the SDK makes for itself (the usual
 * case, and always in the export worker) sends through the lean path: the same client's signer
 * (its credential chain and region), endpoint rules, HTTP handler and clock-skew offset, without
 * its per-request middleware stack and serialiser. The export sends one request per flush or
 * per ~512 KiB of records, and that stack cost the thread ~1–3 ms of CPU per request before
 * anything reached the wire (most of it code run too rarely to be optimised, and a base64
 * encoder in JavaScript), which every flush waited for: a serverless handler's, and the
 * benchmark's once per 1,000 calls.
 */
import {
  PutRecordsCommand,
  type KinesisClient,
  type KinesisClientResolvedConfig,
} from '@aws-sdk/client-kinesis';

export interface PutRecordsEntry {
  data: Uint8Array;
  partitionKey: string;
}

/**
 * Puts `entries` in one request and says, for each in order, whether Kinesis took it. Rejects
 * when the request as a whole failed (refused, throttled, timed out, unreachable).
 */
export type PutRecords = (
  streamName: string,
  entries: readonly PutRecordsEntry[],
  abortSignal: AbortSignal,
) => Promise<boolean[]>;

/** Through the client's own `send()`: for a client the host configured. */
export function clientPutRecords(client: KinesisClient): PutRecords {
  return async (streamName, entries, abortSignal) => {
    const response = await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: entries.map((entry) => ({ Data: entry.data, PartitionKey: entry.partitionKey })),
      }),
      { abortSignal },
    );
    return acceptedEntries(response.Records, entries.length);
  };
}

/** The service's answer names each entry's fate in order; a missing one was not taken. */
function acceptedEntries(
  records: ReadonlyArray<{ ErrorCode?: string | undefined }> | undefined,
  count: number,
): boolean[] {
  const accepted: boolean[] = [];
  for (let index = 0; index < count; index += 1) {
    const record = records?.[index];
    accepted.push(record !== undefined && record !== null && !record.ErrorCode);
  }
  return accepted;
}

/** A Kinesis error answer, named as the AWS SDK names it (`ProvisionedThroughputExceededException`…). */
export class KinesisRequestError extends Error {
  readonly $metadata: { httpStatusCode: number };
  constructor(name: string, message: string, httpStatusCode: number) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode };
  }
}

/** Beyond this difference from the service's clock, requests are signed with its time. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

interface Destination {
  protocol: string;
  hostname: string;
  port: number | undefined;
  path: string;
}

/**
 * The lean path, for a client the SDK made itself (see the module's comment). Where to send is
 * resolved once, from the client's configuration, as its endpoint middleware would: its
 * endpoint if one was set, else the service's endpoint rules for its region, FIPS and
 * dual-stack settings.
 */
export function leanPutRecords(client: KinesisClient): PutRecords {
  const config = client.config;
  let destination: Promise<Destination> | undefined;
  /** The client's SigV4 signer, made once: it asks the credential provider at each signing. */
  let signer: ReturnType<typeof config.signer> | undefined;
  const resolve = async (): Promise<Destination> => {
    if (config.isCustomEndpoint && config.endpoint) {
      const endpoint = await config.endpoint();
      return {
        protocol: endpoint.protocol,
        hostname: endpoint.hostname,
        port: endpoint.port,
        path: endpoint.path || '/',
      };
    }
    const { url } = config.endpointProvider({
      Region: await config.region(),
      UseFIPS: await config.useFipsEndpoint(),
      UseDualStack: await config.useDualstackEndpoint(),
    });
    return {
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname || '/',
    };
  };
  return async (streamName, entries, abortSignal) => {
    // A failed resolution (a region provider that threw) is tried again with the next request.
    destination ??= resolve().catch((error: unknown) => {
      destination = undefined;
      throw error;
    });
    const target = await destination;
    const body = putRecordsBody(streamName, entries);
    const host = target.port === undefined ? target.hostname : `${target.hostname}:${target.port}`;
    const request = {
      method: 'POST',
      protocol: target.protocol,
      hostname: target.hostname,
      ...(target.port === undefined ? {} : { port: target.port }),
      path: target.path,
      query: {},
      headers: {
        host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.PutRecords',
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    };
    signer ??= config.signer().catch((error: unknown) => {
      signer = undefined;
      throw error;
    });
    const signed = await (
      await signer
    ).sign(request, {
      signingDate: new Date(Date.now() + config.systemClockOffset),
    });
    const { response } = await config.requestHandler.handle(signed as typeof request, {
      abortSignal,
    });
    const text = await readBody(response.body as AsyncIterable<Uint8Array> | undefined);
    correctClockSkew(config, response.headers);
    if (response.statusCode !== 200) throw errorFrom(response.statusCode, response.headers, text);
    const parsed = JSON.parse(text) as { Records?: Array<{ ErrorCode?: string }> };
    return acceptedEntries(parsed.Records, entries.length);
  };
}

/** The request's JSON (the Kinesis JSON 1.1 protocol): record data in base64. */
export function putRecordsBody(streamName: string, entries: readonly PutRecordsEntry[]): string {
  const records = entries.map((entry) => ({
    Data: Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength).toString(
      'base64',
    ),
    PartitionKey: entry.partitionKey,
  }));
  return JSON.stringify({ StreamName: streamName, Records: records });
}

async function readBody(body: AsyncIterable<Uint8Array> | undefined): Promise<string> {
  if (!body) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A refused request: named by the service's error type (`__type`, or the `x-amzn-ErrorType`
 * header), with its message.
 */
export function errorFrom(
  statusCode: number,
  headers: Record<string, string | undefined>,
  text: string,
): KinesisRequestError {
  let type = headers['x-amzn-errortype'];
  let message = '';
  try {
    const parsed = JSON.parse(text) as { __type?: unknown; message?: unknown; Message?: unknown };
    if (typeof parsed.__type === 'string') type = parsed.__type;
    const said = parsed.message ?? parsed.Message;
    if (typeof said === 'string') message = said;
  } catch {
    // Not JSON (a proxy's error page): the status says what happened.
  }
  // `com.amazonaws.kinesis#ResourceNotFoundException` or `ResourceNotFoundException:http://…`.
  const name = type?.split('#').pop()?.split(':')[0] || `HTTP ${statusCode}`;
  return new KinesisRequestError(
    name,
    message || `Kinesis PutRecords answered HTTP ${statusCode}`,
    statusCode,
  );
}

/**
 * After any answer: when the service's clock (its `Date` header) is more than five minutes from
 * ours, later requests are signed with its time, as the AWS SDK does (a signature more than
 * five minutes off is refused).
 */
function correctClockSkew(
  config: Pick<KinesisClientResolvedConfig, 'systemClockOffset'>,
  headers: Record<string, string | undefined>,
): void {
  const date = headers.date ?? headers.Date;
  if (!date) return;
  const serverTime = Date.parse(date);
  if (Number.isNaN(serverTime)) return;
  const now = Date.now();
  if (Math.abs(serverTime - (now + config.systemClockOffset)) > MAX_CLOCK_SKEW_MS)
    config.systemClockOffset = serverTime - now;
}

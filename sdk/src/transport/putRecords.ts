/**
 * How a PutRecords request is sent. A client the host gave goes through its own `send()`, with
 * whatever middleware and settings it carries. The client the SDK makes for itself (the usual
 * case, and always in the export worker) sends through the lean path: the same client's signer
 * (its credential chain and region), endpoint resolution, HTTP handler and clock-skew offset,
 * without its per-request middleware stack and serialiser. The export sends one request per flush or
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
import { getEndpointFromInstructions } from '@smithy/core/endpoints';

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

/**
 * The lean path, for a client the SDK made itself (see the module's comment). Where to send is
 * resolved for each request by the AWS SDK's own endpoint resolution for `PutRecords`, as its
 * endpoint middleware does: the client's endpoint if one was set, else one configured for the
 * service (`AWS_ENDPOINT_URL_KINESIS`, the shared config file), else the service's endpoint rules
 * for the region, FIPS, dual-stack and account settings; the request is signed for the region
 * and service those rules name.
 */
export function leanPutRecords(client: KinesisClient): PutRecords {
  const config = client.config;
  /** The client's SigV4 signer, made once: it asks the credential provider at each signing. */
  let signer: ReturnType<typeof config.signer> | undefined;
  return async (streamName, entries, abortSignal) => {
    // A copy, as the middleware passes: resolution may record a configured endpoint on it.
    const endpoint = await getEndpointFromInstructions(
      { StreamName: streamName },
      PutRecordsCommand,
      { ...config },
    );
    const { url } = endpoint;
    const body = putRecordsBody(streamName, entries);
    const headers: Record<string, string> = {};
    for (const [name, values] of Object.entries(endpoint.headers ?? {}))
      headers[name] = values.join(',');
    const request = {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname || '/',
      query: {},
      headers: {
        ...headers,
        host: url.host,
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
    const scheme = (endpoint.properties?.authSchemes as AuthScheme[] | undefined)?.[0];
    const signed = await (
      await signer
    ).sign(request, {
      signingDate: new Date(Date.now() + config.systemClockOffset),
      ...(scheme?.signingRegion ? { signingRegion: scheme.signingRegion } : {}),
      ...(scheme?.signingName ? { signingService: scheme.signingName } : {}),
    });
    const { response } = await config.requestHandler.handle(signed as typeof request, {
      abortSignal,
    });
    const text = await readBody(
      response.body as AsyncIterable<Uint8Array> | undefined,
      abortSignal,
    );
    if (!(await config.disableClockSkewCorrection())) correctClockSkew(config, response.headers);
    if (response.statusCode !== 200) throw errorFrom(response.statusCode, response.headers, text);
    const parsed = JSON.parse(text) as { Records?: Array<{ ErrorCode?: string }> };
    return acceptedEntries(parsed.Records, entries.length);
  };
}

/** What an endpoint rule says to sign with (`properties.authSchemes`). */
interface AuthScheme {
  signingRegion?: string;
  signingName?: string;
}

/** The request's JSON (the Kinesis JSON 1.1 protocol): record data in base64. */
function putRecordsBody(streamName: string, entries: readonly PutRecordsEntry[]): string {
  const records = entries.map((entry) => ({
    Data: Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength).toString(
      'base64',
    ),
    PartitionKey: entry.partitionKey,
  }));
  return JSON.stringify({ StreamName: streamName, Records: records });
}

/**
 * The answer's text. A request whose deadline passes while its answer is read fails as one
 * that got no answer in time does (an `AbortError`), not as a bare "aborted" stream error.
 */
async function readBody(
  body: AsyncIterable<Uint8Array> | undefined,
  abortSignal: AbortSignal,
): Promise<string> {
  if (!body) return '';
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of body) chunks.push(Buffer.from(chunk));
  } catch (error) {
    if (!abortSignal.aborted) throw error;
    const aborted = new Error('Request aborted while its answer was read', { cause: error });
    aborted.name = 'AbortError';
    throw aborted;
  }
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

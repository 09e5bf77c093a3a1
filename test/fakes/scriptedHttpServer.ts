/**
 * The plumbing the provider fakes share: a loopback HTTP server on a free port that records
 * every request (method, path, headers, JSON body), hands each one with the next scripted reply
 * to the provider's responder, and closes with every socket destroyed. Also the two ways a
 * provider answers: JSON, and server-sent events written one event per turn of the event loop
 * (so clients see chunks arrive one by one, as from the real API).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  headers: IncomingMessage['headers'];
  /** The parsed JSON body (undefined when empty or not JSON). */
  body: Record<string, unknown> | undefined;
}

export interface ScriptedHttpServer<R> {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Replies for the next requests, in order. */
  enqueue(...replies: R[]): void;
  close(): Promise<void>;
}

export type Responder<R> = (
  request: RecordedRequest,
  reply: R | undefined,
  response: ServerResponse,
) => void | Promise<void>;

export async function startScriptedHttpServer<R>(
  respond: Responder<R>,
): Promise<ScriptedHttpServer<R>> {
  const requests: RecordedRequest[] = [];
  const queue: R[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    void readBody(request)
      .then(async (raw) => {
        const recorded: RecordedRequest = {
          method: request.method ?? 'GET',
          path: (request.url ?? '/').split('?')[0] ?? '/',
          headers: request.headers,
          body: parseJson(raw),
        };
        requests.push(recorded);
        await respond(recorded, queue.shift(), response);
      })
      .catch(() => response.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => void queue.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(
  response: ServerResponse,
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

export interface SseEvent {
  /** The `event:` line, when the provider names its events. */
  event?: string;
  /** Serialised as JSON unless already a string. */
  data: unknown;
}

/** How a scripted stream breaks off after `afterEvents` events. */
export interface StreamBreak {
  afterEvents: number;
  /** `disconnect` destroys the socket; `event` sends `breakEvent` and ends the stream. */
  mode: 'disconnect' | 'event';
  breakEvent?: SseEvent;
}

export async function sendSse(
  response: ServerResponse,
  events: SseEvent[],
  options: {
    terminator?: string;
    streamBreak?: StreamBreak;
    headers?: Record<string, string>;
  } = {},
): Promise<void> {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...options.headers,
  });
  for (const [index, event] of events.entries()) {
    const streamBreak = options.streamBreak;
    if (streamBreak && index === streamBreak.afterEvents) {
      if (streamBreak.mode === 'disconnect') {
        response.socket?.destroy();
        return;
      }
      response.end(streamBreak.breakEvent ? formatEvent(streamBreak.breakEvent) : undefined);
      return;
    }
    response.write(formatEvent(event));
    await new Promise((resolve) => setImmediate(resolve));
  }
  response.end(options.terminator ? `data: ${options.terminator}\n\n` : undefined);
}

function formatEvent(event: SseEvent): string {
  const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
  return `${event.event ? `event: ${event.event}\n` : ''}data: ${data}\n\n`;
}

/** Splits text into word-sized pieces, as a model streams it. */
export function splitText(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function parseJson(raw: string): Record<string, unknown> | undefined {
  if (raw.length === 0) return undefined;
  try {
    const value = JSON.parse(raw) as unknown;
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

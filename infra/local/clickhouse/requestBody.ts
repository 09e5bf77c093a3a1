/**
 * Reads an HTTP request body for the embedded ClickHouse endpoint: decompresses it per
 * `Content-Encoding` (as ClickHouse does for gzip, deflate, br and zstd), bounds its size
 * before and after decompression, and splits `multipart/form-data` bodies (which
 * `@clickhouse/client` sends when bound parameters are too long for the URL) into fields.
 */
import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import { ClickHouseException } from './errors.ts';

export async function readRequestBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declaredLength = Number(request.headers['content-length']);
  if (Number.isFinite(declaredLength) && declaredLength > maxBytes) throw bodyTooLarge(maxBytes);
  const decoder = decompressorFor(request.headers['content-encoding']);
  const source: Readable = decoder ? pipeline(request, decoder, () => {}) : request;
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw bodyTooLarge(maxBytes);
      chunks.push(chunk);
    }
  } catch (error) {
    decoder?.destroy();
    if (error instanceof ClickHouseException) throw error;
    throw ClickHouseException.of(
      decoder ? 'CANNOT_DECOMPRESS' : 'UNKNOWN_EXCEPTION',
      `Cannot read the request body: ${(error as Error).message}`,
    );
  }
  return Buffer.concat(chunks, total);
}

function bodyTooLarge(maxBytes: number): ClickHouseException {
  return ClickHouseException.of(
    'QUERY_IS_TOO_LARGE',
    `Request body is larger than the ${maxBytes} bytes (${Math.round(maxBytes / 1024 / 1024)} MiB) the embedded ClickHouse endpoint accepts; send the data in smaller inserts`,
  );
}

function decompressorFor(header: string | undefined): Transform | undefined {
  const encoding = (header ?? '').trim().toLowerCase();
  switch (encoding) {
    case '':
    case 'identity':
    case 'none':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    case 'zstd':
      if (zstd.createZstdDecompress) return zstd.createZstdDecompress();
      break;
  }
  throw ClickHouseException.of(
    'UNKNOWN_COMPRESSION_METHOD',
    `Content-Encoding '${encoding}' is not supported by the embedded ClickHouse endpoint (supported: gzip, deflate, br${zstd.createZstdDecompress ? ', zstd' : ''})`,
  );
}

/** zstd is in node:zlib from Node 22.15 on; older runtimes lack it. */
export const zstd = zlib as typeof zlib & {
  createZstdDecompress?: () => Transform;
  createZstdCompress?: () => Transform;
};

export interface FormField {
  name: string;
  value: string;
}

/**
 * The fields of a `multipart/form-data` body. File parts (ClickHouse's external tables) are
 * refused: the embedded engine has no way to receive them.
 */
export function parseMultipartForm(body: Buffer, contentType: string): FormField[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) {
    throw ClickHouseException.of('BAD_ARGUMENTS', 'multipart/form-data request without a boundary');
  }
  const delimiter = Buffer.from(`--${marker}`);
  const fields: FormField[] = [];
  let position = body.indexOf(delimiter);
  while (position !== -1) {
    const partStart = position + delimiter.length;
    if (body.subarray(partStart, partStart + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, partStart);
    if (next === -1) break;
    // A part is CRLF, headers, CRLF CRLF, content, CRLF, then the next delimiter.
    const part = body.subarray(partStart + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd === -1) {
      throw ClickHouseException.of('BAD_ARGUMENTS', 'Malformed multipart/form-data part');
    }
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) {
      throw ClickHouseException.of('BAD_ARGUMENTS', 'multipart/form-data part without a name');
    }
    if (/\bfilename=/i.test(disposition)) {
      throw ClickHouseException.of(
        'NOT_IMPLEMENTED',
        `External data (multipart file part '${name}') is not supported by the embedded ClickHouse endpoint`,
      );
    }
    fields.push({ name, value: part.subarray(headerEnd + 4).toString('utf8') });
    position = next;
  }
  return fields;
}

/**
 * Finds PEM private-key blocks (`-----BEGIN … PRIVATE KEY-----` … `-----END …-----`), also when
 * JSON-escaped inside a GCP service-account file. The reported span is the key material between
 * the BEGIN and END lines, so a redacted block still shows what kind of key was there.
 */
import { MAX_PRIVATE_KEY_BODY, PLACEHOLDER_SCORE } from './constants.ts';

export interface PrivateKeyBlock {
  start: number;
  end: number;
  score: number;
}

const PEM_HEADER = /-----BEGIN[ A-Z0-9]{0,40} PRIVATE KEY(?: BLOCK)?-----/g;

function isBodyChar(code: number): boolean {
  return (
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    (code >= 48 && code <= 57) ||
    code === 43 || // +
    code === 47 || // /
    code === 61 || // =
    code === 92 || // \ (escaped newlines in JSON)
    code === 58 || // : (Proc-Type headers of encrypted keys)
    code === 44 || // ,
    code === 45 || // -
    code === 32 ||
    code === 9 ||
    code === 10 ||
    code === 13
  );
}

function trimBody(text: string, start: number, end: number): [number, number] {
  let s = start;
  let e = end;
  for (;;) {
    if (s < e && /\s/.test(text[s] ?? '')) s++;
    else if (s + 1 < e && text[s] === '\\' && (text[s + 1] === 'n' || text[s + 1] === 'r')) s += 2;
    else break;
  }
  for (;;) {
    if (e > s && /\s/.test(text[e - 1] ?? '')) e--;
    else if (e - 1 > s && text[e - 2] === '\\' && (text[e - 1] === 'n' || text[e - 1] === 'r'))
      e -= 2;
    else break;
  }
  return [s, e];
}

export function findPrivateKeyBlocks(text: string): PrivateKeyBlock[] {
  const blocks: PrivateKeyBlock[] = [];
  if (!text.includes('-----BEGIN')) return blocks;
  PEM_HEADER.lastIndex = 0;
  let header: RegExpExecArray | null;
  while ((header = PEM_HEADER.exec(text)) !== null) {
    const bodyStart = header.index + header[0].length;
    const limit = Math.min(text.length, bodyStart + MAX_PRIVATE_KEY_BODY);
    const endLine = text.indexOf('-----END', bodyStart);
    let bodyEnd: number;
    if (endLine !== -1 && endLine <= limit) {
      bodyEnd = endLine;
    } else {
      // Truncated block (a log line cut short): the key material runs until a non-base64 char.
      bodyEnd = bodyStart;
      while (bodyEnd < limit && isBodyChar(text.charCodeAt(bodyEnd))) bodyEnd++;
    }
    const [start, end] = trimBody(text, bodyStart, bodyEnd);
    if (end > start) {
      blocks.push({ start, end, score: end - start < 32 ? PLACEHOLDER_SCORE : 0.99 });
    }
    PEM_HEADER.lastIndex = Math.max(PEM_HEADER.lastIndex, bodyEnd);
  }
  return blocks;
}

/**
 * Turns the HTTP interface's `param_<name>` values into values for chDB's server-side binder
 * (`Session.queryBindAsync`) so the engine parses each exactly as a ClickHouse server would.
 *
 * Over HTTP a value is text in ClickHouse's escaped (TSV) form, parsed by the engine per the
 * placeholder's declared type. chDB's binder takes JS values and escapes every string itself
 * (backslash, NUL, \b \f \n \r \t), so passing the HTTP text through would escape it twice: a
 * client's `a\nb` would arrive as backslash-n, not a newline. Each value is therefore mapped to
 * the JS value whose chDB escaping the engine reads the way it would have read the HTTP text:
 * - string-like types (String, FixedString, Enum, JSON, their aliases, and anything Nullable
 *   or LowCardinality of them): the text is unescaped here with ClickHouse's rules;
 * - other types (numbers, dates, Array/Tuple/Map literals, ...): the text is kept, except
 *   that escapes inside single-quoted literals are resolved, with `'` written as `''` (which
 *   the engine's quoted-string reader accepts and chDB's escaping leaves alone);
 * - `\N` for a Nullable type becomes null.
 * The declared types come from the `{name:Type}` placeholders in the query.
 */
import { ClickHouseException } from './errors.ts';

/** Declared type of every `{name:Type}` placeholder in a query; the first declaration wins. */
export function placeholderTypes(sql: string): Map<string, string> {
  const types = new Map<string, string>();
  const start = /\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:/g;
  for (let match = start.exec(sql); match !== null; match = start.exec(sql)) {
    const name = match[1] as string;
    const end = placeholderEnd(sql, start.lastIndex);
    if (end === -1) continue;
    if (!types.has(name)) types.set(name, sql.slice(start.lastIndex, end).trim());
    start.lastIndex = end + 1;
  }
  return types;
}

/** Index of the `}` closing a placeholder type that starts at `from`, or -1. */
function placeholderEnd(sql: string, from: number): number {
  let depth = 0;
  for (let i = from; i < sql.length; i++) {
    const char = sql[i];
    if (char === "'") {
      i = quotedLiteralEnd(sql, i);
      if (i === -1) return -1;
    } else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === '}' && depth === 0) return i;
    else if (char === '{' || char === ';') return -1;
  }
  return -1;
}

function quotedLiteralEnd(text: string, openIndex: number): number {
  for (let i = openIndex + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === "'") return i;
  }
  return -1;
}

export type ChdbBindValue = string | null;

/**
 * The bind values for chDB of a request's `param_*` values (names without the prefix), given
 * the query they are bound into.
 */
export function toChdbBindParams(
  sql: string,
  httpParams: ReadonlyMap<string, string>,
): Record<string, ChdbBindValue> {
  const declared = placeholderTypes(sql);
  const bound: Record<string, ChdbBindValue> = {};
  for (const [name, text] of httpParams) {
    bound[name] = toChdbBindValue(name, text, declared.get(name));
  }
  return bound;
}

export function toChdbBindValue(
  name: string,
  text: string,
  declaredType: string | undefined,
): ChdbBindValue {
  const { nullable, inner } = unwrapType(declaredType ?? '');
  if (nullable && text === '\\N') return null;
  if (isStringLike(inner)) return unescapeStringValue(name, text, inner);
  return resolveQuotedLiterals(name, text, declaredType ?? 'the undeclared type');
}

function unwrapType(type: string): { nullable: boolean; inner: string } {
  let inner = type.trim();
  let nullable = false;
  for (;;) {
    const wrapper = /^(Nullable|LowCardinality)\s*\(([\s\S]*)\)$/.exec(inner);
    if (!wrapper) return { nullable, inner };
    if (wrapper[1] === 'Nullable') nullable = true;
    inner = (wrapper[2] as string).trim();
  }
}

const STRING_TYPE =
  /^(String|JSON(\s*\([\s\S]*\))?|Object\s*\([\s\S]*\)|FixedString\s*\(.*\)|Enum(8|16)?\s*\([\s\S]*\)|((LONG|MEDIUM|TINY)?(TEXT|BLOB)|N?VARCHAR2?|N?CHAR|BINARY|VARBINARY|BYTEA|CHAR(ACTER)? VARYING|CHARACTER)(\s*\(\s*\d+\s*\))?)$/i;

function isStringLike(type: string): boolean {
  return STRING_TYPE.test(type);
}

/**
 * ClickHouse's escaped-string reading (`readEscapedString` with complex escape sequences),
 * applied to a whole parameter value as the server does for string types.
 */
function unescapeStringValue(name: string, text: string, type: string): string {
  const out = new ByteWriter();
  for (let i = 0; i < text.length;) {
    const char = text[i] as string;
    if (char === '\t' || char === '\n') {
      // The server stops reading at a raw tab or newline, then refuses the leftover.
      throw notParsedCompletely(name, text, type);
    }
    if (char !== '\\') {
      i = copyCodePoint(text, i, out);
      continue;
    }
    i = readEscapeSequence(text, i, out);
    if (i === -1) throw cannotParse('CANNOT_PARSE_ESCAPE_SEQUENCE', name, text, type);
  }
  return out.toUtf8(name, text, type);
}

/**
 * Keeps a non-string value's text, resolving the escapes inside its single-quoted literals so
 * that chDB's re-escaping yields text the engine reads to the same value.
 */
function resolveQuotedLiterals(name: string, text: string, type: string): string {
  const out = new ByteWriter();
  let inLiteral = false;
  for (let i = 0; i < text.length;) {
    const char = text[i] as string;
    if (!inLiteral) {
      if (char === '\\' && i + 1 < text.length && (text[i + 1] as string) in REVERSIBLE_ESCAPES) {
        // chDB writes this control character back as the same two-character escape.
        out.byte(REVERSIBLE_ESCAPES[text[i + 1] as keyof typeof REVERSIBLE_ESCAPES]);
        i += 2;
        continue;
      }
      if (char === "'") inLiteral = true;
      i = copyCodePoint(text, i, out);
      continue;
    }
    if (char === "'") {
      if (text[i + 1] === "'") {
        out.text("''");
        i += 2;
      } else {
        inLiteral = false;
        out.text(char);
        i++;
      }
    } else if (char === '\\') {
      const literal = new ByteWriter();
      i = readEscapeSequence(text, i, literal);
      if (i === -1) throw cannotParse('CANNOT_PARSE_QUOTED_STRING', name, text, type);
      out.bytes(literal.quoteDoubled());
    } else {
      i = copyCodePoint(text, i, out);
    }
  }
  return out.toUtf8(name, text, type);
}

function copyCodePoint(text: string, index: number, out: ByteWriter): number {
  const width = (text.codePointAt(index) as number) > 0xffff ? 2 : 1;
  out.text(text.slice(index, index + width));
  return index + width;
}

const REVERSIBLE_ESCAPES = {
  '\\': 0x5c,
  '0': 0x00,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
} as const;

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 0x07,
  b: 0x08,
  e: 0x1b,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
  '0': 0x00,
};

/** Characters whose escape drops the backslash although they map to themselves. */
const UNESCAPED_SELF = new Set(['\\', "'", '"', '`', '/']);

/**
 * One escape sequence at `text[start] === '\\'`, decoded as ClickHouse's
 * `parseComplexEscapeSequence` does; returns the index after it, or -1 when it is malformed.
 */
function readEscapeSequence(text: string, start: number, out: ByteWriter): number {
  const next = text[start + 1];
  if (next === undefined) return -1;
  if (next === 'x') {
    const hex = text.slice(start + 2, start + 4);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return -1;
    out.byte(Number.parseInt(hex, 16));
    return start + 4;
  }
  if (next === 'N') return start + 2;
  const simple = SIMPLE_ESCAPES[next];
  if (simple !== undefined) {
    out.byte(simple);
    return start + 2;
  }
  const codePoint = text.codePointAt(start + 1) as number;
  const width = codePoint > 0xffff ? 2 : 1;
  const decoded = text.slice(start + 1, start + 1 + width);
  // ClickHouse keeps the backslash of an unknown escape (`100\%` stays `100\%`, for LIKE).
  if (!UNESCAPED_SELF.has(decoded) && codePoint > 0x1f) out.text('\\');
  out.text(decoded);
  return start + 1 + width;
}

function cannotParse(
  type: 'CANNOT_PARSE_ESCAPE_SEQUENCE' | 'CANNOT_PARSE_QUOTED_STRING',
  name: string,
  text: string,
  declaredType: string,
): ClickHouseException {
  return ClickHouseException.of(
    type,
    `Cannot parse ${type === 'CANNOT_PARSE_QUOTED_STRING' ? 'quoted string' : 'escape sequence'}: value ${text} cannot be parsed as ${declaredType} for query parameter '${name}'`,
  );
}

function notParsedCompletely(name: string, text: string, type: string): ClickHouseException {
  return ClickHouseException.of(
    'BAD_QUERY_PARAMETER',
    `Value ${text} cannot be parsed as ${type} for query parameter '${name}' because it isn't parsed completely`,
  );
}

/** Bytes of a decoded value: escapes may produce any byte, the result must still be UTF-8. */
class ByteWriter {
  readonly #parts: Buffer[] = [];

  text(value: string): void {
    this.#parts.push(Buffer.from(value, 'utf8'));
  }

  byte(value: number): void {
    this.#parts.push(Buffer.of(value));
  }

  bytes(value: Buffer): void {
    this.#parts.push(value);
  }

  /** The bytes with each `'` doubled, for writing inside a single-quoted literal. */
  quoteDoubled(): Buffer {
    const bytes = Buffer.concat(this.#parts);
    const doubled: number[] = [];
    for (const byte of bytes) {
      doubled.push(byte);
      if (byte === 0x27) doubled.push(0x27);
    }
    return Buffer.from(doubled);
  }

  toUtf8(name: string, text: string, type: string): string {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(this.#parts));
    } catch {
      // chDB passes bound values as UTF-8 strings, so raw non-UTF-8 bytes cannot be bound.
      throw ClickHouseException.of(
        'BAD_QUERY_PARAMETER',
        `Value ${text} of query parameter '${name}' (${type}) decodes to bytes that are not UTF-8, which the embedded engine cannot bind`,
      );
    }
  }
}

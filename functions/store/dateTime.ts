/**
 * Conversions between epoch milliseconds and ClickHouse DateTime64 text, which keeps
 * microseconds that a JavaScript Date would drop.
 */

/** `YYYY-MM-DD hh:mm:ss.ffffff` in UTC for a DateTime64(6) column. */
export function toDateTime64(epochMillis: number): string {
  const wholeMillis = Math.floor(epochMillis);
  const micros = Math.min(999, Math.round((epochMillis - wholeMillis) * 1000));
  const iso = new Date(wholeMillis).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${String(micros).padStart(3, '0')}`;
}

/** Parses ClickHouse DateTime64 text in UTC (`YYYY-MM-DD hh:mm:ss[.fff…]`) to epoch ms. */
export function fromDateTime64(text: string): number {
  const [seconds = '', fraction = ''] = text.split('.');
  const base = Date.parse(`${seconds.replace(' ', 'T')}Z`);
  return base + Number(`0.${fraction || '0'}`) * 1000;
}

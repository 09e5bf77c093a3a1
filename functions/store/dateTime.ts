/**
 * Conversions between epoch milliseconds and ClickHouse DateTime64 text, which keeps
 * microseconds that a JavaScript Date would drop.
 */

const MILLIS_PER_DAY = 86_400_000;

function twoDigits(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

function threeDigits(value: number): string {
  return value < 10 ? `00${value}` : value < 100 ? `0${value}` : String(value);
}

/**
 * `YYYY-MM-DD hh:mm:ss.ffffff` in UTC for a DateTime64(6) column. Computed with integer
 * arithmetic (the civil calendar from a day count, as in Howard Hinnant's `civil_from_days`):
 * ingest formats three per span, and a Date with its ISO string cost several times more.
 * Years 0 to 9999 (what DateTime64 holds); NaN and instants outside throw a RangeError.
 */
export function toDateTime64(epochMillis: number): string {
  const wholeMillis = Math.floor(epochMillis);
  const micros = Math.min(999, Math.round((epochMillis - wholeMillis) * 1000));
  const days = Math.floor(wholeMillis / MILLIS_PER_DAY);
  let rest = wholeMillis - days * MILLIS_PER_DAY;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1_000);
  const millis = rest - seconds * 1_000;
  // Days since 1970-01-01 to (year, month, day), eras of 400 years from 0000-03-01.
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1_460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (!(year >= 0 && year <= 9_999)) throw new RangeError(`Invalid time value: ${epochMillis}`);
  const yearText = year < 1_000 ? String(year).padStart(4, '0') : String(year);
  return `${yearText}-${twoDigits(month)}-${twoDigits(day)} ${twoDigits(hours)}:${twoDigits(minutes)}:${twoDigits(seconds)}.${threeDigits(millis)}${threeDigits(micros)}`;
}

/** Parses ClickHouse DateTime64 text in UTC (`YYYY-MM-DD hh:mm:ss[.fff…]`) to epoch ms. */
export function fromDateTime64(text: string): number {
  const [seconds = '', fraction = ''] = text.split('.');
  const base = Date.parse(`${seconds.replace(' ', 'T')}Z`);
  return base + Number(`0.${fraction || '0'}`) * 1000;
}

/**
 * Microseconds since the epoch of DateTime64(6) text (`YYYY-MM-DD hh:mm:ss.ffffff`, UTC), as an
 * exact integer: what `toUnixTimestamp64Micro` gives in SQL, where `fromDateTime64`'s
 * fractional milliseconds would not compare equal. The same text in ISO form
 * (`YYYY-MM-DDThh:mm:ss.ffffffZ`, as the trace list shows starts) reads the same: it is read by
 * position.
 */
export function dateTime64Micros(text: string): number {
  const seconds = Date.parse(`${text.slice(0, 10)}T${text.slice(11, 19)}Z`);
  const fraction = text.length > 20 ? Number(text.slice(20, 26).padEnd(6, '0')) : 0;
  return seconds * 1000 + fraction;
}

/**
 * Replaces lone UTF-16 surrogates (a string cut through an emoji, or sent broken on purpose)
 * with U+FFFD in every string of a row. ClickHouse refuses such strings, and one of them
 * would otherwise fail the insert of a whole batch.
 */
export function wellFormedStrings<T>(value: T): T {
  if (typeof value === 'string') return value.toWellFormed() as T;
  if (Array.isArray(value)) return value.map((entry) => wellFormedStrings(entry)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [key.toWellFormed(), wellFormedStrings(entry)]),
    ) as T;
  }
  return value;
}

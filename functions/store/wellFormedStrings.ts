/**
 * Replaces lone UTF-16 surrogates (a string cut through an emoji, or sent broken on purpose)
 * with U+FFFD in every string of a row. ClickHouse refuses such strings, and one of them
 * would otherwise fail the insert of a whole batch. Rows are almost always clean, so this
 * only checks (natively) and copies nothing unless a string needs fixing. `skipKeys` names
 * top-level keys whose values are well-formed by construction (JSON.stringify output, which
 * escapes lone surrogates), so their text is not read again.
 */
export function wellFormedStrings<T>(value: T, skipKeys?: ReadonlySet<string>): T {
  if (typeof value === 'string') return (value.isWellFormed() ? value : value.toWellFormed()) as T;
  if (value === null || typeof value !== 'object') return value;
  // Plain loops rather than forEach/Object.entries: this runs on every row at ingest, and the
  // allocation-free walk is several times faster on the usual clean row.
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const entry: unknown = value[index];
      const fixed = wellFormedStrings(entry);
      if (fixed !== entry) (copy ??= [...value])[index] = fixed;
    }
    return (copy ?? value) as T;
  }
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key in record) {
    if (!Object.hasOwn(record, key) || skipKeys?.has(key) === true) continue;
    const entry = record[key];
    const fixedKey = key.isWellFormed() ? key : key.toWellFormed();
    const fixed = wellFormedStrings(entry);
    if (fixed !== entry || fixedKey !== key) {
      copy ??= { ...record };
      if (fixedKey !== key) delete copy[key];
      copy[fixedKey] = fixed;
    }
  }
  return (copy ?? value) as T;
}

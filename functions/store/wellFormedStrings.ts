/**
 * Replaces lone UTF-16 surrogates (a string cut through an emoji, or sent broken on purpose)
 * with U+FFFD in every string of a row. ClickHouse refuses such strings, and one of them
 * would otherwise fail the insert of a whole batch. Rows are almost always clean, so this
 * only checks (natively) and copies nothing unless a string needs fixing.
 */
export function wellFormedStrings<T>(value: T): T {
  if (typeof value === 'string') return (value.isWellFormed() ? value : value.toWellFormed()) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((entry, index) => {
      const fixed = wellFormedStrings(entry);
      if (fixed !== entry) (copy ??= [...value])[index] = fixed;
    });
    return (copy ?? value) as T;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, entry] of Object.entries(value)) {
    const fixedKey = key.isWellFormed() ? key : key.toWellFormed();
    const fixed = wellFormedStrings(entry);
    if (fixed !== entry || fixedKey !== key) {
      copy ??= { ...(value as Record<string, unknown>) };
      if (fixedKey !== key) delete copy[key];
      copy[fixedKey] = fixed;
    }
  }
  return (copy ?? value) as T;
}

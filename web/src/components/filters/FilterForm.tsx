'use client';
/**
 * A row of filter fields whose values live in the URL. Submitting replaces those keys (empty
 * fields remove them), keeps every other key (the time window, sorting, columns) and drops the
 * list cursor; "Clear" removes them all.
 */
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import type { FormEvent } from 'react';
import { hrefWith, type QueryChanges } from '../url/queryString.ts';

export interface FilterField {
  name: string;
  label: string;
  kind?: 'text' | 'number' | 'select';
  /** For selects: the choices (an empty choice "any" is added first). */
  options?: ReadonlyArray<{ value: string; label: string }>;
  placeholder?: string;
  /** Narrow numeric fields and the like. */
  size?: 'small' | 'normal';
  step?: string;
  /** Several values, typed comma-separated, kept as a repeated URL key. */
  list?: boolean;
  /** Label of a select's empty choice (default "any"). */
  emptyLabel?: string;
  /** Shown under "More filters". */
  advanced?: boolean;
}

export function FilterForm({
  fields,
  label = 'Filters',
}: {
  fields: readonly FilterField[];
  label?: string;
}) {
  const pathname = usePathname();
  const router = useRouter();
  const params = useSearchParams();

  function current(): Record<string, string | string[]> {
    const values: Record<string, string | string[]> = {};
    for (const key of new Set(params.keys())) {
      const all = params.getAll(key);
      values[key] = all.length === 1 ? all[0]! : all;
    }
    return values;
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const changes: QueryChanges = { cursor: null };
    for (const field of fields) {
      const value = data.get(field.name);
      const text = typeof value === 'string' ? value.trim() : '';
      changes[field.name] = field.list
        ? text
            .split(',')
            .map((item) => item.trim())
            .filter(Boolean)
        : text;
    }
    router.push(hrefWith(pathname, current(), changes));
  }

  function clear() {
    const changes: QueryChanges = { cursor: null };
    for (const field of fields) changes[field.name] = null;
    router.push(hrefWith(pathname, current(), changes));
  }

  const renderField = (field: FilterField) => {
    const value = field.list
      ? params.getAll(field.name).join(', ')
      : (params.get(field.name) ?? '');
    const className = field.size === 'small' ? 'filter-field small' : 'filter-field';
    return (
      <label key={field.name} className={className}>
        <span>{field.label}</span>
        {field.kind === 'select' ? (
          <select name={field.name} defaultValue={value}>
            <option value="">{field.emptyLabel ?? 'any'}</option>
            {field.options?.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        ) : (
          <input
            name={field.name}
            type={field.kind === 'number' ? 'number' : 'text'}
            step={field.step}
            defaultValue={value}
            placeholder={field.placeholder}
            maxLength={256}
          />
        )}
      </label>
    );
  };
  const basic = fields.filter((field) => !field.advanced);
  const advanced = fields.filter((field) => field.advanced);
  const advancedActive = advanced.some((field) => params.has(field.name));

  return (
    <form className="filter-form" aria-label={label} onSubmit={submit} key={params.toString()}>
      {basic.map(renderField)}
      {advanced.length > 0 ? (
        <details className="more-filters" open={advancedActive}>
          <summary>More filters{advancedActive ? ' (active)' : ''}</summary>
          <div className="filter-form-row">{advanced.map(renderField)}</div>
        </details>
      ) : null}
      <div className="filter-actions">
        <button type="submit">Apply</button>
        <button type="button" onClick={clear}>
          Clear
        </button>
      </div>
    </form>
  );
}

'use client';
/**
 * The time window of a page, kept in the URL: preset links (1h, 24h, 7d, 30d) and a custom
 * window (from/to in UTC). Changing it drops the list cursor, which belongs to the old window.
 */
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { PRESET_NAMES, DEFAULT_PRESET } from '../timeRange/timeRange.ts';
import { hrefWith } from '../url/queryString.ts';

function currentQuery(params: URLSearchParams): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    values[key] = all.length === 1 ? all[0]! : all;
  }
  return values;
}

/** `2026-11-26T14:00` (what a datetime-local input holds) for an ISO time, read as UTC. */
function toInputValue(iso: string | null): string {
  if (!iso) return '';
  const time = Date.parse(iso);
  return Number.isFinite(time) ? new Date(time).toISOString().slice(0, 16) : '';
}

export function TimeRangePicker() {
  const pathname = usePathname();
  const router = useRouter();
  const params = useSearchParams();
  const query = currentQuery(params);
  const custom = params.has('from');
  const active = custom ? null : (params.get('range') ?? DEFAULT_PRESET);
  const [from, setFrom] = useState(toInputValue(params.get('from')));
  const [to, setTo] = useState(toInputValue(params.get('to')));
  const [open, setOpen] = useState(false);

  function applyCustom(event: FormEvent) {
    event.preventDefault();
    if (!from) return;
    router.push(
      hrefWith(pathname, query, {
        range: null,
        cursor: null,
        from: `${from}:00Z`,
        to: to ? `${to}:00Z` : null,
      }),
    );
    setOpen(false);
  }

  return (
    <div className="time-range" role="group" aria-label="Time range">
      {PRESET_NAMES.map((preset) => (
        <Link
          key={preset}
          className={preset === active ? 'range-preset active' : 'range-preset'}
          aria-current={preset === active ? 'true' : undefined}
          href={hrefWith(pathname, query, { range: preset, from: null, to: null, cursor: null })}
        >
          {preset}
        </Link>
      ))}
      <button
        type="button"
        className={custom ? 'range-preset active' : 'range-preset'}
        aria-expanded={open}
        onClick={() => setOpen((value) => !value)}
      >
        Custom
      </button>
      {open ? (
        <form className="range-custom" onSubmit={applyCustom}>
          <label>
            From (UTC){' '}
            <input
              type="datetime-local"
              name="from"
              value={from}
              required
              onChange={(event) => setFrom(event.target.value)}
            />
          </label>
          <label>
            To (UTC){' '}
            <input
              type="datetime-local"
              name="to"
              value={to}
              onChange={(event) => setTo(event.target.value)}
            />
          </label>
          <button type="submit">Apply</button>
        </form>
      ) : null}
    </div>
  );
}

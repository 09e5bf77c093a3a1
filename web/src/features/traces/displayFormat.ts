/** How times, durations and counts read on the traces pages. Pure; UTC throughout. */

/** `2026-11-26 14:20:01.123 UTC`, or the given fallback for an unparseable time. */
export function formatTimestamp(epochMillis: number, fallback = '—'): string {
  if (!Number.isFinite(epochMillis)) return fallback;
  const iso = new Date(epochMillis).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)} UTC`;
}

/** `4 s ago`, `12 min ago`, `3 h ago`, `2 d ago`; `in the future` for clock skew. */
export function formatTimeAgo(epochMillis: number, nowMillis: number): string {
  if (!Number.isFinite(epochMillis)) return '';
  const seconds = Math.floor((nowMillis - epochMillis) / 1000);
  if (seconds < -1) return 'in the future';
  if (seconds < 60) return `${Math.max(0, seconds)} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/** `0.42 ms`, `850 ms`, `1.25 s`, `2 min 05 s`. */
export function formatDuration(milliseconds: number | null | undefined): string {
  if (milliseconds === null || milliseconds === undefined || !Number.isFinite(milliseconds)) {
    return '—';
  }
  const ms = Math.max(0, milliseconds);
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const totalSeconds = Math.round(ms / 1_000);
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${minutes} min ${String(totalSeconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

const COUNT_FORMAT = new Intl.NumberFormat('en-US');

/** `12,345`. */
export function formatCount(value: number): string {
  return Number.isFinite(value) ? COUNT_FORMAT.format(value) : '—';
}

'use client';
/**
 * Live refresh: re-renders the current page on the server on an interval while the tab is
 * visible, so new data appears without a reload. Pausable; the interval is chosen by the user
 * and kept only in this tab (it is a viewing preference, not part of a shared link).
 */
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';

const INTERVALS_MS = [5_000, 15_000, 60_000] as const;

export function LiveRefresh({
  initialIntervalMs = 15_000,
  initiallyPaused = false,
}: {
  initialIntervalMs?: number;
  initiallyPaused?: boolean;
}) {
  const router = useRouter();
  const [paused, setPaused] = useState(initiallyPaused);
  const [intervalMs, setIntervalMs] = useState(initialIntervalMs);

  useEffect(() => {
    if (paused) return undefined;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') router.refresh();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [paused, intervalMs, router]);

  return (
    <div className="live-refresh" role="group" aria-label="Live refresh">
      <button
        type="button"
        aria-pressed={!paused}
        onClick={() => setPaused((value) => !value)}
        title={paused ? 'Resume live refresh' : 'Pause live refresh'}
      >
        {paused ? '▶ Resume' : '❚❚ Pause'}
      </button>
      <select
        aria-label="Refresh interval"
        value={intervalMs}
        disabled={paused}
        onChange={(event) => setIntervalMs(Number(event.target.value))}
      >
        {INTERVALS_MS.map((ms) => (
          <option key={ms} value={ms}>
            every {ms < 60_000 ? `${ms / 1000} s` : `${ms / 60_000} min`}
          </option>
        ))}
      </select>
      <span className={paused ? 'live-dot paused' : 'live-dot'} aria-hidden="true" />
      <span className="muted">{paused ? 'paused' : 'live'}</span>
    </div>
  );
}

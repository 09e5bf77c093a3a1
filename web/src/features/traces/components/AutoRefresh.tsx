'use client';
/**
 * Re-renders the current page on the server every few seconds while the tab is visible, so
 * new spans appear without a reload; a checkbox pauses it.
 */
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';

export function AutoRefresh({ intervalMs }: { intervalMs: number }) {
  const router = useRouter();
  const [enabled, setEnabled] = useState(true);

  useEffect(() => {
    if (!enabled) return undefined;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') router.refresh();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [enabled, intervalMs, router]);

  return (
    <label className="auto-refresh">
      <input
        type="checkbox"
        checked={enabled}
        onChange={(event) => setEnabled(event.target.checked)}
      />{' '}
      Auto-refresh every {Math.round(intervalMs / 1000)} s
    </label>
  );
}

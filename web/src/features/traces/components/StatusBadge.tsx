/** A span's status as a coloured badge; an error's message is in the tooltip. */
import { CONTENT_DISPLAY } from '../constants.ts';

const LABELS: Record<string, string> = { ok: 'ok', error: 'error', unset: 'unset' };

export function StatusBadge({ code, message }: { code: string; message?: string }) {
  const known = LABELS[code];
  const tooltip = message ? message.slice(0, CONTENT_DISPLAY.tooltipChars) : undefined;
  return (
    <span className={`badge status-${known ?? 'unset'}`} title={tooltip}>
      {known ?? code.slice(0, 32)}
    </span>
  );
}

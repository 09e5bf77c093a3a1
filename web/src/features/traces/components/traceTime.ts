/** Times as the trace search returns them (ClickHouse DateTime64 text, UTC) → epoch ms. */
import { fromDateTime64 } from '../../../../../functions/store/dateTime.ts';

export function fromDateTime64Text(text: string): number {
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) return Date.parse(text);
  return fromDateTime64(text);
}

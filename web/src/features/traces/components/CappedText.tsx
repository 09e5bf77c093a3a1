/**
 * Shows untrusted text as text, cut to a readable length: the first part always, the rest up
 * to a hard cap behind "show more", and a note saying how much was not shown.
 */
import { CONTENT_DISPLAY } from '../constants.ts';
import { formatCount } from '../displayFormat.ts';

/** The first `length` UTF-16 units, never splitting a surrogate pair. */
export function cutText(text: string, length: number): string {
  if (text.length <= length) return text;
  const code = text.charCodeAt(length - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? length - 1 : length;
  return text.slice(0, end);
}

export function CappedText({ text, className = 'content' }: { text: string; className?: string }) {
  const { previewChars, maxChars } = CONTENT_DISPLAY;
  if (text.length <= previewChars) return <pre className={className}>{text}</pre>;
  const preview = cutText(text, previewChars);
  const rest = cutText(text.slice(preview.length), maxChars - preview.length);
  const notShown = text.length - preview.length - rest.length;
  return (
    <div>
      <pre className={className}>{preview}</pre>
      <details className="show-more">
        <summary>Show more ({formatCount(text.length - preview.length)} more characters)</summary>
        <pre className={className}>{rest}</pre>
      </details>
      {notShown > 0 ? (
        <p className="note">
          Truncated for display: the last {formatCount(notShown)} of {formatCount(text.length)}{' '}
          characters are not shown.
        </p>
      ) : null}
    </div>
  );
}

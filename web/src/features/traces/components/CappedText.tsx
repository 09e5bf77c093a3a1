/**
 * Shows untrusted text as text, cut to a readable length: the first part always, the rest up
 * to a hard cap behind "show more", and a note saying how much was not shown. Findings, when
 * given, are marked where they sit (as <mark> elements around text, never as HTML).
 */
import { CONTENT_DISPLAY } from '../constants.ts';
import { formatCount } from '../displayFormat.ts';
import { segmentText, shiftRanges, type TextRange } from './highlightText.ts';

/** The first `length` UTF-16 units, never splitting a surrogate pair. */
export function cutText(text: string, length: number): string {
  if (text.length <= length) return text;
  const code = text.charCodeAt(length - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? length - 1 : length;
  return text.slice(0, end);
}

function MarkedText({ text, highlights }: { text: string; highlights: readonly TextRange[] }) {
  if (highlights.length === 0) return <>{text}</>;
  return (
    <>
      {segmentText(text, highlights).map((segment, index) =>
        segment.marks.length === 0 ? (
          segment.text
        ) : (
          <mark
            key={index}
            className="finding-mark"
            title={segment.marks.join(', ')}
            data-finding={segment.marks.join(' ')}
          >
            {segment.text}
          </mark>
        ),
      )}
    </>
  );
}

export function CappedText({
  text,
  className = 'content',
  highlights = [],
}: {
  text: string;
  className?: string;
  highlights?: readonly TextRange[];
}) {
  const { previewChars, maxChars } = CONTENT_DISPLAY;
  if (text.length <= previewChars) {
    return (
      <pre className={className}>
        <MarkedText text={text} highlights={highlights} />
      </pre>
    );
  }
  const preview = cutText(text, previewChars);
  const rest = cutText(text.slice(preview.length), maxChars - preview.length);
  const notShown = text.length - preview.length - rest.length;
  return (
    <div>
      <pre className={className}>
        <MarkedText text={preview} highlights={shiftRanges(highlights, 0, preview.length)} />
      </pre>
      <details className="show-more">
        <summary>Show more ({formatCount(text.length - preview.length)} more characters)</summary>
        <pre className={className}>
          <MarkedText
            text={rest}
            highlights={shiftRanges(highlights, preview.length, rest.length)}
          />
        </pre>
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

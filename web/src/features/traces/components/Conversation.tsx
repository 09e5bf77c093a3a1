/**
 * Messages of a span rendered as a conversation. Every value is rendered as React text (never
 * as HTML), URIs are shown but never linked, and long values are cut by CappedText.
 */
import type { MessagePart } from '@sightline/sdk/contract';
import { formatCount } from '../displayFormat.ts';
import {
  prettyJsonValue,
  type DisplayMessage,
  type DisplayPart,
  type ParsedColumn,
} from '../server/parseMessages.ts';
import { CappedText } from './CappedText.tsx';
import type { TextRange } from './highlightText.ts';

/** Findings of a message part, by message index (-1 for system instructions) and part index. */
export type HighlightLookup = (messageIndex: number, partIndex: number) => TextRange[];

const NO_HIGHLIGHTS: HighlightLookup = () => [];

const KNOWN_ROLES = new Set(['system', 'user', 'assistant', 'tool']);

function roleClass(role: string): string {
  return `message role-${KNOWN_ROLES.has(role) ? role : 'other'}`;
}

function PartView({ part, highlights }: { part: MessagePart; highlights: TextRange[] }) {
  switch (part.type) {
    case 'text':
      return <CappedText text={part.content} highlights={highlights} />;
    case 'reasoning':
      return (
        <details className="part-reasoning" open={highlights.length > 0}>
          <summary>Reasoning ({formatCount(part.content.length)} characters)</summary>
          <CappedText text={part.content} highlights={highlights} />
        </details>
      );
    case 'tool_call':
      return (
        <div className="part-tool">
          <div className="part-label">
            Tool call <code>{part.name}</code>
            {part.id ? <span className="muted mono"> {part.id}</span> : null}
          </div>
          {part.arguments === undefined ? null : (
            <CappedText className="content json" text={prettyJsonValue(part.arguments)} />
          )}
        </div>
      );
    case 'tool_call_response':
      return (
        <div className="part-tool">
          <div className="part-label">
            Tool result{part.id ? <span className="muted mono"> {part.id}</span> : null}
          </div>
          <CappedText className="content json" text={prettyJsonValue(part.response)} />
        </div>
      );
    case 'media':
      return (
        <div className="part-media">
          Media {part.mimeType ? <code>{part.mimeType}</code> : null}
          {part.bytes === undefined ? null : <span> {formatCount(part.bytes)} bytes</span>}
          {/* Shown as text on purpose: a link from trace content must not be clickable. */}
          {part.uri ? <div className="mono inert-uri">{part.uri.slice(0, 2_000)}</div> : null}
        </div>
      );
  }
}

function DisplayPartView({ part, highlights }: { part: DisplayPart; highlights: TextRange[] }) {
  if (part.kind === 'part') return <PartView part={part.part} highlights={highlights} />;
  return (
    <div className="part-unrecognised">
      <div className="part-label muted">Part not in the wire contract format (raw JSON)</div>
      <CappedText className="content json" text={part.json} />
    </div>
  );
}

function MessageView({
  message,
  messageIndex,
  highlightsFor,
}: {
  message: DisplayMessage;
  messageIndex: number;
  highlightsFor: HighlightLookup;
}) {
  if (message.kind === 'unrecognised') {
    return (
      <div className="message role-other">
        <div className="message-role muted">Message not in the wire contract format (raw JSON)</div>
        <CappedText className="content json" text={message.json} />
      </div>
    );
  }
  return (
    <div className={roleClass(message.role)}>
      <div className="message-role">
        {message.role.slice(0, 64)}
        {message.name ? <span className="muted"> · {message.name.slice(0, 256)}</span> : null}
        {message.finishReason ? (
          <span className="muted"> · finish: {message.finishReason.slice(0, 64)}</span>
        ) : null}
      </div>
      {message.parts.length === 0 ? <p className="muted">(no parts)</p> : null}
      {message.parts.map((part, index) => (
        <DisplayPartView key={index} part={part} highlights={highlightsFor(messageIndex, index)} />
      ))}
    </div>
  );
}

function RawColumn({ text, reason }: { text: string; reason: string }) {
  return (
    <div className="message role-other">
      <div className="message-role muted">Stored value is {reason}; shown as raw text</div>
      <CappedText text={text} />
    </div>
  );
}

export function SystemInstructions({
  column,
  highlightsFor = NO_HIGHLIGHTS,
}: {
  column: ParsedColumn<DisplayPart>;
  highlightsFor?: HighlightLookup;
}) {
  if (column.kind === 'empty') return null;
  if (column.kind === 'raw') return <RawColumn text={column.text} reason={column.reason} />;
  return (
    <div className="message role-system">
      <div className="message-role">system instructions</div>
      {column.items.map((part, index) => (
        <DisplayPartView key={index} part={part} highlights={highlightsFor(-1, index)} />
      ))}
    </div>
  );
}

export function MessageList({
  column,
  highlightsFor = NO_HIGHLIGHTS,
}: {
  column: ParsedColumn<DisplayMessage>;
  highlightsFor?: HighlightLookup;
}) {
  if (column.kind === 'empty') return null;
  if (column.kind === 'raw') return <RawColumn text={column.text} reason={column.reason} />;
  return (
    <>
      {column.items.map((message, index) => (
        <MessageView
          key={index}
          message={message}
          messageIndex={index}
          highlightsFor={highlightsFor}
        />
      ))}
    </>
  );
}

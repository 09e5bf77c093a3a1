/**
 * Renders a span whose every text field is hostile to static HTML with React's server
 * renderer and checks that all of it arrives as escaped text, bounded in size.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CONTENT_DISPLAY } from '../constants.ts';
import { buildTraceSpanItem } from '../testing/factories.ts';
import { SpanDetails } from './SpanDetails.tsx';

const ATTACK =
  '<script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a>';

function hostileSpan() {
  return buildTraceSpanItem({
    name: ATTACK,
    status_code: 'error',
    status_message: ATTACK,
    error_type: ATTACK,
    metadata: { [ATTACK]: ATTACK },
    tags: [ATTACK],
    request_params: '['.repeat(20_000) + ']'.repeat(20_000),
    input_messages: JSON.stringify([
      {
        role: 'user',
        name: ATTACK,
        parts: [
          { type: 'text', content: `${ATTACK} \u0000\u202e` },
          { type: 'text', content: 'A'.repeat(1_000_000) },
          { type: 'media', uri: 'javascript:alert(1)', mimeType: 'text/html' },
          { type: 'tool_call', name: ATTACK, arguments: ATTACK },
        ],
      },
    ]),
    output_messages: `not json ${ATTACK}`,
  });
}

describe('SpanDetails with hostile content', () => {
  it('renders every value as escaped text', () => {
    const html = renderToStaticMarkup(
      createElement(SpanDetails, {
        span: hostileSpan(),
        findings: [
          {
            spanId: 'b7ad6b7169203331',
            category: 'pii',
            type: '<b>EMAIL</b>',
            field: 'input',
            messageIndex: 0,
            partIndex: 0,
            start: 0,
            end: 8,
            score: 1,
            detector: 'x@1',
          },
        ],
      }),
    );

    expect(html).not.toMatch(/<script|<img|<a |<iframe|<b>/i);
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // The finding is marked around escaped text.
    expect(html).toMatch(/<mark [^>]*>&lt;script&gt;<\/mark>/);
  });

  it('stays bounded: a million characters render as at most the display cap', () => {
    const html = renderToStaticMarkup(createElement(SpanDetails, { span: hostileSpan() }));

    // Each long value is cut to maxChars; the page holds a handful of such values at most.
    expect(html.length).toBeLessThan(CONTENT_DISPLAY.maxChars * 4);
    expect(html).toContain('Truncated for display');
  });
});

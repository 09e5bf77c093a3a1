import { describe, expect, it } from 'vitest';
import { TRACE_CONTENT_FIELDS } from '../api/operations.ts';
import { buildTraceSpanRow } from '../testing/factories.ts';
import { toTraceSpanView } from './spanItems.ts';
import { withoutContent, withoutPreviews } from './traceReads.ts';

describe('content a role may not read', () => {
  it('blanks every content field of a span and keeps its metadata-free facts', () => {
    const span = toTraceSpanView(
      buildTraceSpanRow({
        input_messages: '[{"role":"user","parts":[{"type":"text","content":"my card 4111"}]}]',
        output_messages: '[{"role":"assistant","parts":[]}]',
        system_instructions: '[{"type":"text","content":"secret prompt"}]',
        request_params: '{"temperature":0}',
        prompt_variables: '{"name":"Ada"}',
        status_message: 'failed for ada@example.com',
        metadata: { customer: 'Ada Lovelace' },
      }),
    );

    const hidden = withoutContent(span);

    for (const field of TRACE_CONTENT_FIELDS) expect(hidden[field]).toBe('');
    expect(hidden.metadata).toEqual({});
    expect(JSON.stringify(hidden)).not.toMatch(/4111|secret prompt|Ada|ada@example/);
    expect(hidden.input_tokens).toBe(span.input_tokens);
    expect(hidden.request_model).toBe(span.request_model);
  });

  it('blanks list previews', () => {
    expect(withoutPreviews({ traceId: 't', inputPreview: 'hi', outputPreview: 'there' })).toEqual({
      traceId: 't',
      inputPreview: '',
      outputPreview: '',
    });
  });
});

/**
 * The same fake, in-process LLM client for every SDK measured: its call yields to the event
 * loop once (as real I/O does), so each SDK's background export work runs during the
 * measurement, and returns an OpenAI-shaped chat completion.
 */
export const FAKE_MODEL = 'gpt-4o-mini';

export const FAKE_MESSAGES = [
  {
    role: 'system' as const,
    content:
      'You are a support assistant for an online bookshop. Answer briefly, cite the order number, and never reveal internal notes. '.repeat(
        2,
      ),
  },
  {
    role: 'user' as const,
    content:
      'Hi, my order 48213 was supposed to arrive on Monday but the tracking page still says it is in the warehouse. Can you check what happened and whether I can still get it before the weekend? '.repeat(
        2,
      ),
  },
];

const ANSWER =
  'I am sorry for the delay. Order 48213 left the warehouse this morning and the carrier expects to deliver it on Friday before noon. You will receive a tracking e-mail shortly; if it has not arrived by Friday evening, reply here and we will send a replacement at no cost. '.repeat(
    2,
  );

export interface FakeCompletion {
  id: string;
  model: string;
  choices: Array<{
    index: number;
    message: { role: 'assistant'; content: string };
    finish_reason: string;
  }>;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

let counter = 0;

export async function fakeChatCompletion(params: {
  model: string;
  messages: ReadonlyArray<{ role: string; content: string }>;
}): Promise<FakeCompletion> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  counter += 1;
  return {
    id: `chatcmpl-${counter}`,
    model: `${params.model}-2024-07-18`,
    choices: [{ index: 0, message: { role: 'assistant', content: ANSWER }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 142, completion_tokens: 96, total_tokens: 238 },
  };
}

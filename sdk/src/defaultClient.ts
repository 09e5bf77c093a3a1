/**
 * The process-wide client that integrations use when they are not given one: `init()` sets it,
 * so `wrapOpenAI(new OpenAI())` traces without passing the client around. Integrations look it
 * up at call time, so wrapping before `init()` works too.
 */
import type { Sightline } from './Sightline.ts';

let defaultClient: Sightline | undefined;

export function setDefaultClient(client: Sightline | undefined): void {
  defaultClient = client;
}

export function getDefaultClient(): Sightline | undefined {
  return defaultClient;
}

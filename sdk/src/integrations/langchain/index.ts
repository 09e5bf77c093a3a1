/**
 * LangChain integration (`@sightline/sdk/langchain`): a callback handler that records every
 * LangChain run — chat models and LLMs, chains, tools, retrievers — as Sightline spans.
 *
 *   import { SightlineCallbackHandler } from '@sightline/sdk/langchain';
 *   const handler = new SightlineCallbackHandler(); // or { sightline, attributes }
 *   await chain.invoke(input, { callbacks: [handler] });
 */
export {
  SightlineCallbackHandler,
  type LangChainIntegrationOptions,
} from './SightlineCallbackHandler.ts';

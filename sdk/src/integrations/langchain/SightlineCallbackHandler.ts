/**
 * A LangChain callback handler that records runs as Sightline spans: chat models and LLMs as
 * `llm` spans (messages, parameters, usage, finish reasons, time to first token from the first
 * streamed token), chains as `chain`, tools as `tool` and retrievers as `retrieval` spans.
 * Spans nest by LangChain's `runId`/`parentRunId`; a root run nests inside the Sightline span
 * active where LangChain was called. Starting and ending a span only keeps references; the
 * mapping runs later on the transport's drain. A handler failure is reported to the client's
 * error hook and never reaches LangChain.
 *
 * LangChain is asked to await this handler (`awaitHandlers`): its background queue would run
 * the callbacks outside the caller's async context, where the active Sightline span is lost.
 * Every method here is synchronous, so awaiting it costs LangChain a resolved promise.
 */
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { Serialized } from '@langchain/core/load/serializable';
import type { BaseMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';
import type { ChainValues } from '@langchain/core/utils/types';
import type { SpanKind } from '../../contract/index.ts';
import { getDefaultClient } from '../../defaultClient.ts';
import { safeJson, type Sightline } from '../../Sightline.ts';
import type { SpanAttributes, SpanHandle } from '../../SpanHandle.ts';
import type { IntegrationOptions } from '../integrationOptions.ts';
import { isObject, str, type Json } from '../openai/openAiJson.ts';
import {
  chatMessagesAttributes,
  documentsSummary,
  invocationAttributes,
  llmResultAttributes,
  promptMessages,
} from './langchainMapping.ts';

export type LangChainIntegrationOptions = Omit<IntegrationOptions, 'name'>;

interface OpenRun {
  span: SpanHandle;
}

/** Runs LangChain started and never ended are dropped beyond this many (oldest first). */
const MAX_OPEN_RUNS = 10_000;
/** LangChain's bookkeeping tags, not the caller's. */
const INTERNAL_TAG = /^(seq:step:\d+|langsmith:|graph:step:\d+)/;

interface SharedState {
  options: LangChainIntegrationOptions;
  runs: Map<string, OpenRun>;
}

export class SightlineCallbackHandler extends BaseCallbackHandler {
  name = 'sightline';
  readonly #state: SharedState;

  constructor(options: LangChainIntegrationOptions | SightlineCallbackHandler = {}) {
    super({ _awaitHandler: true });
    // LangChain's `copy()` constructs a handler from the old one: share its open runs.
    this.#state =
      options instanceof SightlineCallbackHandler
        ? options.#state
        : { options: { ...options }, runs: new Map() };
  }

  override handleChatModelStart(
    llm: Serialized,
    messages: BaseMessage[][],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    const batch: unknown[] = [...(messages[0] ?? [])];
    const invocation = extraParams?.invocation_params;
    this.#start(
      { runId, parentRunId, tags, metadata },
      runName ?? serializedName(llm, 'chat_model'),
      'llm',
      { operationName: 'chat', ...serializedProvider(llm) },
      () => ({ ...invocationAttributes(invocation, metadata), ...chatMessagesAttributes(batch) }),
    );
  }

  override handleLLMStart(
    llm: Serialized,
    prompts: string[],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    const batch: unknown[] = [...prompts];
    const invocation = extraParams?.invocation_params;
    this.#start(
      { runId, parentRunId, tags, metadata },
      runName ?? serializedName(llm, 'llm'),
      'llm',
      { operationName: 'text_completion', ...serializedProvider(llm) },
      () => ({
        ...invocationAttributes(invocation, metadata),
        inputMessages: promptMessages(batch),
      }),
    );
  }

  override handleLLMNewToken(_token: string, _index: unknown, runId: string): void {
    this.#state.runs.get(runId)?.span.markFirstToken();
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    this.#end(runId, () => llmResultAttributes(output));
  }

  override handleLLMError(error: unknown, runId: string): void {
    this.#fail(runId, error);
  }

  // LangChain calls this with (chain, inputs, runId, parentRunId, tags, metadata, runType,
  // runName); its type declaration names the positions differently but types them alike.
  override handleChainStart(
    chain: Serialized,
    inputs: ChainValues,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    _runType?: string,
    runName?: string,
  ): void {
    this.#start(
      { runId, parentRunId, tags, metadata },
      runName ?? serializedName(chain, 'chain'),
      'chain',
      {},
      () => ({ metadata: { input: safeJson(unwrapChainValues(inputs, 'input')) } }),
    );
  }

  override handleChainEnd(outputs: ChainValues, runId: string): void {
    this.#end(runId, () => ({
      metadata: { output: safeJson(unwrapChainValues(outputs, 'output')) },
    }));
  }

  override handleChainError(error: unknown, runId: string): void {
    this.#fail(runId, error);
  }

  override handleToolStart(
    tool: Serialized,
    input: string,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
    toolCallId?: string,
  ): void {
    const name = runName ?? serializedName(tool, 'tool');
    this.#start({ runId, parentRunId, tags, metadata }, name, 'tool', {
      operationName: 'execute_tool',
      tool: { name, type: 'function', ...(toolCallId ? { callId: toolCallId } : {}) },
      metadata: { input },
    });
  }

  override handleToolEnd(output: unknown, runId: string): void {
    this.#end(runId, () => ({ metadata: { output: toolOutput(output) } }));
  }

  override handleToolError(error: unknown, runId: string): void {
    this.#fail(runId, error);
  }

  override handleRetrieverStart(
    retriever: Serialized,
    query: string,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    name?: string,
  ): void {
    this.#start(
      { runId, parentRunId, tags, metadata },
      name ?? serializedName(retriever, 'retriever'),
      'retrieval',
      { metadata: { input: query } },
    );
  }

  override handleRetrieverEnd(documents: unknown[], runId: string): void {
    const found = [...documents];
    this.#end(runId, () => ({
      metadata: {
        output: safeJson(documentsSummary(found)),
        'retrieval.documents': found.length,
      },
    }));
  }

  override handleRetrieverError(error: unknown, runId: string): void {
    this.#fail(runId, error);
  }

  #client(): Sightline | undefined {
    return this.#state.options.sightline ?? getDefaultClient();
  }

  #start(
    run: {
      runId: string;
      parentRunId?: string;
      tags?: string[];
      metadata?: Record<string, unknown>;
    },
    name: string,
    kind: SpanKind,
    attributes: SpanAttributes,
    deferred?: () => SpanAttributes,
  ): void {
    const sightline = this.#client();
    if (!sightline) return;
    try {
      const { runs, options } = this.#state;
      const parent = run.parentRunId ? runs.get(run.parentRunId)?.span : undefined;
      const span = sightline.startSpan(
        name,
        { ...attributes, kind, ...runAttributes(run.runId, run.tags, run.metadata, attributes) },
        parent ? { parent } : {},
      );
      if (deferred) span.update(deferred);
      if (options.attributes) {
        const extra = options.attributes;
        span.update(() => extra);
      }
      runs.set(run.runId, { span });
      if (runs.size > MAX_OPEN_RUNS) this.#dropOldestRun();
    } catch (error) {
      sightline.reportError(error);
    }
  }

  #end(runId: string, deferred: () => SpanAttributes): void {
    const run = this.#take(runId);
    if (!run) return;
    try {
      run.span.end(deferred);
    } catch (error) {
      this.#client()?.reportError(error);
    }
  }

  #fail(runId: string, error: unknown): void {
    const run = this.#take(runId);
    if (!run) return;
    try {
      run.span.recordError(error).end();
    } catch (failure) {
      this.#client()?.reportError(failure);
    }
  }

  #take(runId: string): OpenRun | undefined {
    const run = this.#state.runs.get(runId);
    if (run) this.#state.runs.delete(runId);
    return run;
  }

  #dropOldestRun(): void {
    const oldest = this.#state.runs.keys().next();
    if (oldest.done) return;
    const run = this.#take(oldest.value);
    run?.span.end({ metadata: { 'sightline.run': 'never ended' } });
  }
}

function serializedName(serialized: unknown, fallback: string): string {
  if (!isObject(serialized)) return fallback;
  const name = str(serialized.name);
  if (name) return name;
  const id = Array.isArray(serialized.id) ? serialized.id : [];
  const last: unknown = id[id.length - 1];
  return typeof last === 'string' && last ? last : fallback;
}

/**
 * The provider from the class path (`["langchain", "chat_models", "openai", "ChatOpenAI"]`),
 * for models that send no `ls_provider` metadata (which wins when present).
 */
function serializedProvider(serialized: unknown): SpanAttributes {
  const id = isObject(serialized) && Array.isArray(serialized.id) ? serialized.id : [];
  const provider: unknown = id.length >= 3 ? id[id.length - 2] : undefined;
  return typeof provider === 'string' && provider ? { provider } : {};
}

/** The run id, the caller's tags and the primitive metadata LangChain passes with a run. */
function runAttributes(
  runId: string,
  tags: string[] | undefined,
  metadata: Record<string, unknown> | undefined,
  attributes: SpanAttributes,
): SpanAttributes {
  const entries: NonNullable<SpanAttributes['metadata']> = {
    ...attributes.metadata,
    'langchain.run_id': runId,
  };
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (key.startsWith('ls_')) continue;
    if (typeof value === 'string' || typeof value === 'boolean') entries[key] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) entries[key] = value;
  }
  const userTags = (tags ?? []).filter((tag) => !INTERNAL_TAG.test(tag));
  return { metadata: entries, ...(userTags.length > 0 ? { tags: userTags } : {}) };
}

/** LangChain wraps a chain's non-object input or output as `{ input }` / `{ output }`. */
function unwrapChainValues(values: unknown, key: 'input' | 'output'): unknown {
  if (!isObject(values)) return values;
  const keys = Object.keys(values);
  return keys.length === 1 && keys[0] === key ? values[key] : values;
}

function toolOutput(output: unknown): string {
  // A tool that returns a ToolMessage: its content is the result.
  if (isObject(output) && 'content' in output && 'tool_call_id' in output) {
    const content = (output as Json).content;
    return typeof content === 'string' ? content : safeJson(content);
  }
  return typeof output === 'string' ? output : safeJson(output);
}

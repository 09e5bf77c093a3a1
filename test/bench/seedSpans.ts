/**
 * Deterministic, realistic spans generated inside ClickHouse (`INSERT … SELECT` over
 * `numbers()`), so ten million rows take minutes, not the hours a client-side generator
 * serialising JSON would. Same seed and options → the same rows, ids included.
 *
 * Shape: traces of 1–5 spans (an agent root with alternating LLM calls and tool calls, or a
 * single LLM call), spread uniformly over the last `days` days; half the traces in
 * `mainProjectId`, the rest across the other projects. Users are skewed (a few heavy users,
 * a long tail), sessions are a user's 30-minute slot, models/prompt versions/environments
 * follow fixed mixes, ~3 % of LLM calls fail, latency is log-normal with TTFT a fraction of
 * it, cost follows per-model prices (one model unpriced), ~2 % of calls carry an e-mail
 * (PII). Input/output text is 200–2,000 characters of sentences from a fixed vocabulary with
 * a Zipf-like word mix plus a five-digit order number, so token searches have common and
 * rare words to find.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { seededRandom } from '../../functions/common/seededRandom.ts';

export interface SeedOptions {
  /** About this many spans are written (traces × 1–5 spans, 3 on average). */
  spans: number;
  days: number;
  mainProjectId?: string;
  otherProjectIds?: string[];
  /** The newest possible span start; default now. */
  endTime?: Date;
  seed?: number;
  /** Traces per INSERT; smaller batches use less memory. */
  tracesPerBatch?: number;
  /** Also score ~1/3 of the LLM calls with a `helpfulness` evaluator in eval_scores. */
  evalScores?: boolean;
  /**
   * Also write the messages as JSON (input_messages/output_messages), as ingest does, for
   * trace pages; default true. The query benchmark leaves them out: no list or dashboard
   * query reads them, and they double the bytes to compress.
   */
  messages?: boolean;
  onProgress?: (done: { traces: number; ofTraces: number }) => void;
}

export interface SeedResult {
  traces: number;
  spans: number;
  seconds: number;
}

export const SEED_MAIN_PROJECT = 'seed-main';

const WORDS = `the a to and of for in on with your order my is it this that please can you
refund return delivery parcel shipping tracking address payment card invoice account password
reset login email phone number help support question issue problem error update change cancel
subscription plan upgrade downgrade billing charge price discount coupon code warranty repair
replacement size color shoes jacket laptop phone headphones battery charger screen cable store
warehouse carrier courier week weekend monday tuesday wednesday thursday friday today tomorrow
yesterday late delayed arrived missing damaged broken wrong item package box label receipt
confirm confirmation status policy days business within original method bank transfer credit
debit paypal gift voucher balance points loyalty member premium standard express free cost fee
tax region country europe germany france spain italy london paris berlin madrid rome customer
agent manager team ticket escalate priority urgent feedback review rating thanks thank hello hi
sorry unfortunately however because therefore also still already again soon now later before
after check checked looked found see seems appears works working stopped restart install
settings profile notification message chat call app website browser mobile android iphone
version release bug crash slow fast error timeout network connection server outage incident
report export download upload file document pdf photo image attach attachment summary summarize
translate language english german french spanish italian detect classify intent sentiment
positive negative neutral draft reply answer respond explain describe steps first second then
finally open click choose select enter save submit form field button page menu option tab
security privacy data delete remove erase gdpr consent cookie token session expire expired
limit quota usage monthly annual yearly trial free renew renewal auto automatic manual schedule
appointment booking reservation hotel flight train ticket seat upgrade baggage luggage gate
terminal airport departure arrival itinerary passport visa insurance claim coverage deductible
premium policyholder beneficiary accident damage estimate quote contract signature terms
conditions agreement legal compliance audit regulation requirement exception approval
approve reject denied pending processing processed complete completed shipped dispatched
quantum zeppelin xylophone marmalade kaleidoscope`
  .split(/\s+/)
  .filter((word) => word.length > 0);

/** ~2,000 sentences of 6–16 words; common words much more often than rare ones. */
export function sentenceBank(seed: number, size = 2_000): string[] {
  const random = seededRandom(seed);
  const sentences: string[] = [];
  for (let index = 0; index < size; index += 1) {
    const length = 6 + Math.floor(random() * 11);
    const words: string[] = [];
    for (let word = 0; word < length; word += 1) {
      words.push(WORDS[Math.floor(WORDS.length * random() ** 2.2)] ?? 'the');
    }
    const sentence = words.join(' ');
    sentences.push(`${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`);
  }
  return sentences;
}

const MODELS = [
  // name, provider, $ per 1M input tokens, $ per 1M output tokens (NaN: not priced), weight
  ['gpt-4o-mini', 'openai', 0.15, 0.6, 8],
  ['gpt-4o', 'openai', 2.5, 10, 4],
  ['claude-3-5-sonnet', 'anthropic', 3, 15, 3],
  ['claude-3-haiku', 'anthropic', 0.25, 1.25, 2],
  ['gemini-1.5-pro', 'google', 1.25, 5, 2],
  ['llama-3.1-70b-internal', 'self-hosted', Number.NaN, Number.NaN, 1],
] as const;

function weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T[] {
  return entries.flatMap(([value, weight]) => Array.from({ length: weight }, () => value));
}

const SEED_SENTENCES_TABLE = 'seed_sentences';

/** `u(salt, keys)`: a uniform number in [0, 1) from the seed, the row's keys and a salt. */
function u(salt: number, keys = 't'): string {
  return `(cityHash64({seed:UInt64}, ${keys}, ${salt}) % 1000003) / 1000003.0`;
}

export function seedSpansSql(): string {
  const models = weighted(MODELS.map((model, index) => [index + 1, model[4]] as const));
  return `
INSERT INTO spans (project_id, trace_id, span_id, parent_span_id, name, kind, start_time,
  end_time, duration_ms, status_code, status_message, error_type, operation_name, provider,
  request_model, response_model, response_id, server_address, request_params, input_tokens,
  output_tokens, cached_input_tokens, reasoning_tokens, total_tokens, finish_reasons,
  time_to_first_token_ms, system_instructions, input_messages, output_messages, input_text,
  output_text, tool_name, tool_call_id, user_id, session_id, prompt_name, prompt_version,
  prompt_variables, environment, release, tags, metadata, truncated, sdk_name, sdk_version,
  ingest_key_id, source_shard_id, source_sequence_number, ingested_at, retention_days,
  cost_usd, cost_status, pii_types, pii_count, secret_count, injection_score, toxicity_score,
  eval_failed, eval_failed_count, enrichment_status)
WITH
  (SELECT groupArray(sentence) FROM (SELECT sentence FROM ${SEED_SENTENCES_TABLE} ORDER BY id)) AS bank,
  length(bank) AS bank_size,
  [${models.join(', ')}] AS model_mix,
  [${MODELS.map((model) => `'${model[0]}'`).join(', ')}] AS model_names,
  [${MODELS.map((model) => `'${model[1]}'`).join(', ')}] AS model_providers,
  [${MODELS.map((model) => (Number.isNaN(model[2]) ? '-1' : String(model[2]))).join(', ')}] AS input_price,
  [${MODELS.map((model) => (Number.isNaN(model[3]) ? '-1' : String(model[3]))).join(', ')}] AS output_price,
  ['support-answer', 'summarize-ticket', 'classify-intent', 'draft-email'] AS prompts,
  ['prod', 'prod', 'prod', 'prod', 'prod', 'prod', 'prod', 'prod', 'prod', 'prod', 'prod', 'prod', 'prod', 'prod', 'prod', 'prod', 'staging', 'staging', 'staging', 'dev'] AS environments,
  [[], ['support'], ['support', 'web'], ['support', 'mobile'], ['billing'], ['billing', 'web'], ['search'], ['search', 'beta'], ['support', 'beta'], ['web']] AS tag_sets
SELECT
  project_id,
  trace_id,
  span_id,
  if(k = 0, '', root_span_id) AS parent_span_id,
  multiIf(kind = 'llm', concat('chat ', model), kind = 'tool', 'lookup_order', concat(prompt, '-agent')) AS name,
  kind,
  fromUnixTimestamp64Micro(span_start_us, 'UTC') AS start_time,
  fromUnixTimestamp64Micro(span_start_us + toInt64(duration_ms * 1000), 'UTC') AS end_time,
  duration_ms,
  if(failed, 'error', if(kind = 'agent', 'unset', 'ok')) AS status_code,
  if(failed, 'Rate limit reached for requests', '') AS status_message,
  if(failed, 'RateLimitError', '') AS error_type,
  if(kind = 'llm', 'chat', if(kind = 'tool', 'execute_tool', 'invoke_agent')) AS operation_name,
  if(kind = 'llm', model_providers[model_index], '') AS provider,
  if(kind = 'llm', model, '') AS request_model,
  if(kind = 'llm', model, '') AS response_model,
  if(kind = 'llm', concat('resp_', substring(span_id, 1, 12)), '') AS response_id,
  '' AS server_address,
  if(kind = 'llm', '{"temperature":0.2,"maxTokens":800}', '') AS request_params,
  input_tokens,
  output_tokens,
  if(kind = 'llm', intDiv(input_tokens, 4), 0) AS cached_input_tokens,
  0 AS reasoning_tokens,
  input_tokens + output_tokens AS total_tokens,
  if(kind = 'llm', if(failed, [], ['stop']), []) AS finish_reasons,
  if(kind = 'llm' AND NOT failed, round(duration_ms * (0.15 + 0.3 * ${u(11, 't, k')}), 1), NULL) AS time_to_first_token_ms,
  '' AS system_instructions,
  if(input_text = '' OR NOT {messages:Bool}, '', concat('[{"role":"user","parts":[{"type":"text","content":', toJSONString(input_text), '}]}]')) AS input_messages,
  if(output_text = '' OR NOT {messages:Bool}, '', concat('[{"role":"assistant","parts":[{"type":"text","content":', toJSONString(output_text), '}]}]')) AS output_messages,
  input_text,
  output_text,
  if(kind = 'tool', 'lookup_order', '') AS tool_name,
  if(kind = 'tool', concat('call_', substring(span_id, 1, 10)), '') AS tool_call_id,
  user_id,
  session_id,
  if(kind = 'llm', prompt, '') AS prompt_name,
  if(kind = 'llm', toString(prompt_version), '') AS prompt_version,
  '' AS prompt_variables,
  environment,
  concat('app@1.', toString(prompt_version)) AS release,
  tags,
  map('route', concat('/api/', prompt)) AS metadata,
  false AS truncated,
  'sightline-seed' AS sdk_name,
  '1.0.0' AS sdk_version,
  'ik_seed' AS ingest_key_id,
  'shardId-000000000000' AS source_shard_id,
  toString(t) AS source_sequence_number,
  fromUnixTimestamp64Micro(span_start_us + 2000000, 'UTC') AS ingested_at,
  90 AS retention_days,
  if(kind = 'llm' AND input_price[model_index] >= 0,
     round((input_tokens * input_price[model_index] + output_tokens * output_price[model_index]) / 1000000, 8),
     NULL) AS cost_usd,
  multiIf(kind != 'llm', '', input_price[model_index] < 0, 'unknown_model', 'priced') AS cost_status,
  if(has_pii, ['email'], []) AS pii_types,
  toUInt32(has_pii) AS pii_count,
  toUInt32(kind = 'llm' AND ${u(12, 't, k')} < 0.002) AS secret_count,
  if(kind = 'llm', toFloat32(pow(${u(13, 't, k')}, 12)), 0) AS injection_score,
  if(kind = 'llm', toFloat32(pow(${u(14, 't, k')}, 20)), 0) AS toxicity_score,
  if(kind = 'llm' AND ${u(15, 't, k')} < 0.03, ['helpfulness'], []) AS eval_failed,
  toUInt16(length(eval_failed)) AS eval_failed_count,
  'ok' AS enrichment_status
FROM
(
  SELECT
    t, k, project_id, trace_id, root_span_id, user_id, session_id, environment, prompt,
    prompt_version, tags, model_index, model, order_number, span_count, trace_start_us,
    lower(substring(hex(MD5(concat(trace_id, '/', toString(k)))), 1, 16)) AS span_id,
    multiIf(span_count = 1, 'llm', k = 0, 'agent', k % 2 = 1, 'llm', 'tool') AS kind,
    kind = 'llm' AND ${u(1, 't, k')} < 0.03 AS failed,
    kind = 'llm' AND ${u(2, 't, k')} < 0.02 AS has_pii,
    -- Log-normal LLM latency (median ~1.1 s) by Box-Muller; tools are quick; the root spans all.
    multiIf(
      kind = 'llm', round(exp(7.0 + 0.55 * sqrt(-2 * log(1 - ${u(3, 't, k')})) * cos(2 * pi() * ${u(4, 't, k')})), 1),
      kind = 'tool', round(20 + 280 * ${u(5, 't, k')}, 1),
      toFloat64(span_count * 1500)) AS duration_ms,
    trace_start_us + if(k = 0, 0, (k - 1) * 1500000 + 5000) AS span_start_us,
    if(kind = 'llm', toUInt64(200 + 3800 * pow(${u(6, 't, k')}, 2)), 0) AS input_tokens,
    if(kind = 'llm' AND NOT failed, toUInt64(20 + 780 * pow(${u(7, 't, k')}, 2)), 0) AS output_tokens,
    multiIf(
      kind = 'llm', concat(
        arrayStringConcat(arrayMap(i -> bank[1 + cityHash64({seed:UInt64}, t, k, i, 21) % bank_size], range(toUInt32(3 + 18 * ${u(8, 't, k')}))), ' '),
        ' Order ', toString(order_number), '.',
        if(has_pii, concat(' Contact me at ', user_id, '@example.com.'), '')),
      kind = 'tool', concat('lookup_order({"order":', toString(order_number), '})'),
      '') AS input_text,
    multiIf(
      kind = 'llm' AND NOT failed, arrayStringConcat(arrayMap(i -> bank[1 + cityHash64({seed:UInt64}, t, k, i, 22) % bank_size], range(toUInt32(2 + 12 * ${u(9, 't, k')}))), ' '),
      kind = 'tool', concat('{"order":', toString(order_number), ',"status":"shipped"}'),
      '') AS output_text
  FROM
  (
    SELECT
      number AS t,
      if(t % 2 = 0, {mainProjectId:String},
         {otherProjectIds:Array(String)}[1 + intDiv(t, 2) % length({otherProjectIds:Array(String)})]) AS project_id,
      lower(hex(MD5(concat(toString({seed:UInt64}), '/', toString(t))))) AS trace_id,
      lower(substring(hex(MD5(concat(trace_id, '/0'))), 1, 16)) AS root_span_id,
      concat('user-', toString(toUInt32(pow(${u(31)}, 2.5) * {users:UInt32}))) AS user_id,
      {endUs:Int64} - toInt64(${u(32)} * {spanUs:Int64}) AS trace_start_us,
      concat(user_id, '-', toString(intDiv(trace_start_us, 1800000000))) AS session_id,
      environments[1 + cityHash64({seed:UInt64}, t, 33) % length(environments)] AS environment,
      prompts[1 + toUInt32(pow(${u(34)}, 1.5) * length(prompts))] AS prompt,
      toUInt32(5 - floor(pow(${u(35)}, 0.5) * 5)) AS prompt_version,
      tag_sets[1 + cityHash64({seed:UInt64}, t, 36) % length(tag_sets)] AS tags,
      model_mix[1 + cityHash64({seed:UInt64}, t, 37) % length(model_mix)] AS model_index,
      model_names[model_index] AS model,
      10000 + cityHash64({seed:UInt64}, t, 38) % 90000 AS order_number,
      toUInt8(1 + cityHash64({seed:UInt64}, t, 39) % 5) AS span_count
    FROM numbers({firstTrace:UInt64}, {traceCount:UInt64})
  )
  ARRAY JOIN range(span_count) AS k
)`;
}

const EVAL_SCORES_SQL = `
INSERT INTO eval_scores (project_id, trace_id, span_id, evaluator, evaluator_version, value,
  passed, label, comment, created_at)
SELECT project_id, trace_id, span_id, 'helpfulness', '1',
  round((cityHash64({seed:UInt64}, span_id) % 1000) / 1000, 3) AS value,
  value >= 0.5, if(value >= 0.5, 'helpful', 'unhelpful'), '', ingested_at
FROM spans
WHERE project_id IN {projectIds:Array(String)} AND kind = 'llm'
  AND start_time >= fromUnixTimestamp64Micro({fromUs:Int64}, 'UTC')
  AND cityHash64({seed:UInt64}, span_id, 1) % 3 = 0`;

/**
 * Writes the spans (and, optionally, eval scores) into an already migrated database. The
 * sentence bank is a small helper table, dropped at the end.
 */
export async function seedSpans(
  client: ClickHouseClient,
  options: SeedOptions,
): Promise<SeedResult> {
  const started = Date.now();
  const seed = options.seed ?? 42;
  const mainProjectId = options.mainProjectId ?? SEED_MAIN_PROJECT;
  const otherProjectIds =
    options.otherProjectIds ?? Array.from({ length: 9 }, (_, index) => `seed-other-${index + 1}`);
  const traces = Math.max(1, Math.round(options.spans / 3));
  const endUs = (options.endTime ?? new Date()).getTime() * 1000;
  const spanUs = Math.round(options.days * 86_400e6);
  const tracesPerBatch = options.tracesPerBatch ?? 200_000;
  const users = Math.max(10, Math.round(traces / 200));
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${SEED_SENTENCES_TABLE} (id UInt32, sentence String) ENGINE = MergeTree ORDER BY id`,
  });
  await client.command({ query: `TRUNCATE TABLE ${SEED_SENTENCES_TABLE}` });
  await client.insert({
    table: SEED_SENTENCES_TABLE,
    values: sentenceBank(seed).map((sentence, id) => ({ id, sentence })),
    format: 'JSONEachRow',
  });
  const query = seedSpansSql();
  try {
    for (let firstTrace = 0; firstTrace < traces; firstTrace += tracesPerBatch) {
      const traceCount = Math.min(tracesPerBatch, traces - firstTrace);
      await client.command({
        query,
        query_params: {
          seed,
          mainProjectId,
          otherProjectIds,
          users,
          endUs,
          spanUs,
          firstTrace,
          traceCount,
          messages: options.messages ?? true,
        },
        clickhouse_settings: {
          log_comment: 'bench.seedSpans',
          max_insert_threads: '2',
          max_insert_block_size: '1048576',
          min_insert_block_size_rows: '1048576',
          min_insert_block_size_bytes: String(512 * 2 ** 20),
        },
      });
      options.onProgress?.({ traces: firstTrace + traceCount, ofTraces: traces });
    }
    if (options.evalScores) {
      await client.command({
        query: EVAL_SCORES_SQL,
        query_params: {
          seed,
          projectIds: [mainProjectId, ...otherProjectIds],
          fromUs: endUs - spanUs,
        },
        clickhouse_settings: { log_comment: 'bench.seedEvalScores' },
      });
    }
  } finally {
    await client.command({ query: `DROP TABLE IF EXISTS ${SEED_SENTENCES_TABLE}` });
  }
  const counted = await client.query({
    query: `SELECT count() AS spans FROM spans WHERE sdk_name = 'sightline-seed'
      AND project_id IN {projectIds:Array(String)}`,
    query_params: { projectIds: [mainProjectId, ...otherProjectIds] },
    format: 'JSONEachRow',
  });
  const [row] = await counted.json<{ spans: string }>();
  return { traces, spans: Number(row?.spans ?? 0), seconds: (Date.now() - started) / 1000 };
}

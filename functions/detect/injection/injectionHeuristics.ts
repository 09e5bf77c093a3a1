/**
 * Hand-written signals of prompt injection and jailbreaks: known attack phrases, role and
 * system-message spoofing, instructions addressed to an AI inside documents, exfiltration
 * links, invisible Unicode and base64-wrapped instructions. Each signal is a model feature,
 * so the trained model decides how much each one is worth. Patterns run on lower-cased text
 * with bounded quantifiers only (linear time).
 */
import { hashWord, isWordMarked, markWords } from './hashedNgrams.ts';

export interface HeuristicRule {
  id: string;
  /**
   * Words of which at least one must occur for the pattern to match (a necessary condition),
   * so the pattern runs only then: a set lookup per word instead of a regex pass per rule.
   */
  triggers: readonly string[];
  pattern: RegExp;
}

export const HEURISTIC_RULES: readonly HeuristicRule[] = [
  {
    id: 'ignore-previous-instructions',
    triggers: ['ignore', 'disregard', 'forget', 'skip', 'override', 'bypass', 'abandon'],
    pattern:
      /\b(?:ignore|disregard|forget|skip|override|bypass|abandon)\b[^.\n]{0,40}?\b(?:previous|prior|above|preceding|earlier|all|any|your|the|these|those|other)\b[^.\n]{0,30}?\b(?:instructions?|prompts?|rules|directions|directives|guidelines|context|messages?|programming|constraints)\b/,
  },
  {
    id: 'new-instructions',
    triggers: [
      'instruction',
      'instructions',
      'rules',
      'task',
      'directive',
      'directives',
      'prompt',
      'orders',
    ],
    pattern:
      /\b(?:new|updated|real|actual|revised|overriding|additional|secret|hidden) (?:instructions?|rules|task|directives?|system prompt|orders)\b\s{0,3}[:\-!]/,
  },
  {
    id: 'role-reset',
    triggers: ['now', 'longer', 'free', 'act', 'pretend', 'respond', 'behave', 'simulate'],
    pattern:
      /\byou are (?:now|no longer|free)\b|\bfrom now on,? you\b|\bact as (?:an? )?(?:unrestricted|unfiltered|uncensored|jailbroken|evil|amoral)|\bpretend (?:to be|you are|that you)\b|\byou will (?:now )?(?:act|respond|behave) as\b|\bsimulate (?:an? )?(?:ai|chatbot|model)\b/,
  },
  {
    id: 'named-jailbreak',
    triggers: [
      'anything',
      'developer',
      'dev',
      'jailbreak',
      'jailbroken',
      'god',
      'dan',
      'stan',
      'dude',
      'aim',
      'apophis',
      'maximum',
      'antigpt',
      'anti',
      'opposite',
    ],
    pattern:
      /\bdo anything now\b|\bdeveloper mode\b|\bdev mode\b|\bjailbr(?:eak|oken)\b|\bgod mode\b|\b(?:dan|stan|dude|aim|apophis|maximum)\b[^.\n]{0,30}\b(?:mode|prompt|stands for|persona)\b|\banti-?gpt\b|\bopposite mode\b/,
  },
  {
    id: 'no-restrictions',
    triggers: [
      'restrictions',
      'filters',
      'limitations',
      'limits',
      'guidelines',
      'rules',
      'censorship',
      'ethics',
      'ethical',
      'morals',
      'moral',
      'morality',
      'policy',
      'policies',
      'safeguards',
      'bound',
      'follow',
      'abide',
      'care',
    ],
    pattern:
      /\b(?:no|without|free (?:of|from)|beyond|unbound by|ignore) (?:any |all |your |the )?(?:restrictions|filters|limitations|limits|guidelines|rules|censorship|ethic(?:s|al)|moral(?:s|ity)?|content polic(?:y|ies)|safeguards)\b|\bnot bound by\b|\bdoes(?:n't| not) (?:have to )?(?:follow|abide|care)\b|\bopenai(?:'s)? (?:content )?polic(?:y|ies)\b/,
  },
  {
    id: 'system-message-spoof',
    triggers: [
      'system',
      'admin',
      'administrator',
      'developer',
      'root',
      'im',
      'inst',
      'sys',
      'instruction',
      'instructions',
      'end',
    ],
    pattern:
      /(?:^|\n)\s{0,8}(?:\[|<\|?|#{1,3}\s?|\*\*)?(?:system|admin|administrator|developer|root)(?:\]|\|?>|\*\*)?\s{0,3}(?::|override|message|notice)|<\|im_start\|>|<\/?(?:system|instructions?)>|\[\/?inst\]|<<sys>>|\bsystem override\b|\bend of (?:user )?(?:input|prompt|conversation)\b/,
  },
  {
    id: 'prompt-leak-request',
    triggers: ['prompt', 'instructions', 'message', 'above', 'text'],
    pattern:
      /\b(?:reveal|print|show|repeat|output|display|tell me|leak|dump|what (?:is|are|were))\b[^.\n]{0,30}\b(?:(?:your|the) (?:system|initial|original|hidden|secret) (?:prompt|instructions|message)|system prompt|your instructions|the instructions (?:you were|above)|everything above|the text above)\b/,
  },
  {
    id: 'addressed-to-ai',
    triggers: [
      'ai',
      'llm',
      'llms',
      'model',
      'models',
      'assistant',
      'assistants',
      'chatbot',
      'chatgpt',
      'gpt',
      'claude',
      'agent',
      'agents',
      'bot',
      'bots',
      'language',
      'dear',
    ],
    pattern:
      /\b(?:ai|llm|language model|assistant|chatbot|gpt|claude|agent|bot|model)s?\b[^.\n]{0,20}\b(?:reading|processing|summari[sz]ing|that reads|who reads|parsing|analy[sz]ing) (?:this|these|the)\b|\bif you are an? (?:ai|llm|language model|assistant|bot|chatbot|agent|model)\b|\bnote (?:to|for) (?:the |any |all )?(?:ai|llm|assistant|model|agent|bot)s?\b|\b(?:ai|assistant|agent|model|llm)\s{0,2}:\s{0,2}when you\b|\binstructions? (?:to|for) (?:the |any |all )?(?:ai|assistant|model|llm|agent|bot)s?\b|\bdear (?:ai|assistant|model|llm|agent|bot|chatgpt)\b/,
  },
  {
    id: 'exfiltration',
    triggers: [
      'http',
      'https',
      'send',
      'forward',
      'email',
      'post',
      'upload',
      'transmit',
      'exfiltrate',
      'leak',
      'curl',
    ],
    pattern:
      /!\[[^\]\n]{0,100}\]\(https?:\/\/[^)\s]{1,300}[?&=][^)\s]{0,300}\)|\b(?:send|forward|email|post|upload|transmit|exfiltrate|leak)\b[^.\n]{0,40}\b(?:conversation|chat history|api[ _]?keys?|credentials|passwords?|secrets|tokens|the user'?s? (?:data|messages|emails|files|history|details))\b|\bcurl [^\n|]{1,200}\|\s{0,3}(?:ba)?sh\b/,
  },
  {
    id: 'output-hijack',
    triggers: ['respond', 'reply', 'answer', 'say', 'output', 'print', 'write', 'pwned', 'instead'],
    pattern:
      /\b(?:respond|reply|answer|say|output|print|write) (?:only |just )?(?:with )?(?:the (?:word|phrase|text) )?["'“][^"'”\n]{1,60}["'”]\s{0,3}(?:and nothing else|only)|\bi have been pwned\b|\bpwned\b|\binstead,? (?:say|reply|respond|output|write|tell)\b/,
  },
  {
    id: 'conceal-from-user',
    triggers: [
      'tell',
      'telling',
      'inform',
      'informing',
      'mention',
      'mentioning',
      'reveal',
      'revealing',
      'alert',
      'alerting',
      'notify',
      'notifying',
      'keep',
      'user',
    ],
    pattern:
      /\b(?:do not|don't|never|without) (?:tell(?:ing)?|inform(?:ing)?|mention(?:ing)?|reveal(?:ing)?|alert(?:ing)?|notify(?:ing)?) (?:the user|anyone|them|the human)\b|\bkeep this (?:secret|hidden) from\b|\bthe user (?:must|should) not (?:know|see)\b/,
  },
  {
    id: 'fiction-frame',
    triggers: ['character', 'hypothetical', 'hypothetically', 'purposes', 'fictional', 'world'],
    pattern:
      /\bstay in character\b|\bbreak(?:ing)? character\b|\bhypothetical(?:ly)?\b[^.\n]{0,60}\b(?:no|without) (?:rules|restrictions|limits)\b|\bfor (?:educational|research) purposes only\b[^.\n]{0,60}\b(?:how to|steps)\b|\bin this (?:fictional|hypothetical) world\b/,
  },
  {
    id: 'obey-demand',
    triggers: [
      'obey',
      'comply',
      'answer',
      'refuse',
      'refusal',
      'refusing',
      'warning',
      'warnings',
      'disclaimer',
      'disclaimers',
    ],
    pattern:
      /\byou (?:must|will|shall) (?:always )?(?:obey|comply|answer (?:every|all|any))\b|\bnever refuse\b|\bcannot refuse\b|\bwithout (?:any )?(?:warnings?|disclaimers?|refus(?:al|ing))\b|\bno (?:warnings?|disclaimers?)\b/,
  },
  {
    id: 'quoted-attack-discussion',
    triggers: [
      'such',
      'like',
      'wrote',
      'type',
      'typed',
      'typing',
      'said',
      'says',
      'emailed',
      'example',
      'examples',
      'phrase',
      'string',
      'text',
      'message',
    ],
    pattern:
      /\b(?:such as|like|wrote|typed?|typing|said|says|emailed|examples?|phrase|string|text|message)\s{0,3}:?\s{0,3}["“'][^"”\n]{0,200}\b(?:ignore|disregard|forget|you are now|pretend|system|dan|developer mode|jailbreak)\b/,
  },
  {
    id: 'security-discussion',
    triggers: ['injection', 'injections', 'jailbreak', 'jailbreaks'],
    pattern:
      /\b(?:prevent|defend|protect|detect|filter|mitigat|block|guard|test|explain|what is|how do)\w{0,6}\b[^.\n]{0,60}\b(?:prompt injections?|jailbreaks?|injection attacks?)\b|\b(?:prompt injections?|jailbreak(?:s| prompts?)?)\b[^.\n]{0,60}\b(?:defen[cs]es?|mitigations?|prevent\w{0,3}|detect\w{0,3}|filters?|risks?|attackers?|awareness|training|research)\b/,
  },
];

const TRIGGER_HASHES = HEURISTIC_RULES.map((rule) => rule.triggers.map(hashWord));

/** Zero-width, bidi-control and other invisible characters, plus Unicode tag characters. */
export interface InvisibleCharacterCounts {
  invisible: number;
  tags: number;
}

export function countInvisibleCharacters(text: string): InvisibleCharacterCounts {
  let invisible = 0;
  let tags = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x200b) continue;
    if (
      (c >= 0x200b && c <= 0x200f) ||
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2060 && c <= 0x2064) ||
      (c >= 0x2066 && c <= 0x2069) ||
      c === 0xfeff
    ) {
      invisible++;
    } else if (c === 0xdb40) {
      // High surrogate of U+E0000–E007F, the tag block used to smuggle invisible ASCII.
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdc7f) tags++;
    }
  }
  return { invisible, tags };
}

/** Decodes Unicode tag characters back to the ASCII they smuggle (U+E0041 → "A"). */
export function decodeTagCharacters(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 0xdb40) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc20 && low <= 0xdc7e) {
        out += String.fromCharCode(low - 0xdc00);
        i++;
      }
    }
  }
  return out;
}

const BASE64_CHAR = (() => {
  const table = new Uint8Array(65536);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=') {
    table[c.charCodeAt(0)] = 1;
  }
  return table;
})();
const MIN_ENCODED_RUN = 40;
const MAX_ENCODED_RUN = 4096;
const MAX_RUNS_DECODED = 16;
const INSTRUCTION_WORDS =
  /\b(?:ignore|instructions?|system prompt|you are|disregard|pretend|jailbreak|reveal|password|assistant)\b/i;

/**
 * Finds base64 runs that decode to readable text containing instruction words. Runs shorter
 * than MIN_ENCODED_RUN never count, and any longer run covers the character MIN_ENCODED_RUN - 1
 * ahead of where the search stands: when that character is not base64, the search jumps past
 * it, so ordinary prose costs one look per ~40 characters instead of one per character.
 */
export function hasEncodedInstructions(text: string): boolean {
  const length = text.length;
  let decoded = 0;
  // Invariant: i is 0 or text[i - 1] is not a base64 character, so no run starts before i.
  let i = 0;
  while (decoded < MAX_RUNS_DECODED) {
    const probe = i + MIN_ENCODED_RUN - 1;
    if (probe >= length) break;
    if (BASE64_CHAR[text.charCodeAt(probe)] !== 1) {
      i = probe + 1;
      continue;
    }
    let start = probe;
    while (start > i && BASE64_CHAR[text.charCodeAt(start - 1)] === 1) start--;
    let end = probe + 1;
    while (end < length && BASE64_CHAR[text.charCodeAt(end)] === 1) end++;
    i = end + 1;
    if (end - start < MIN_ENCODED_RUN) continue;
    decoded++;
    const plain = Buffer.from(
      text.slice(start, Math.min(end, start + MAX_ENCODED_RUN)),
      'base64',
    ).toString('latin1');
    let printable = 0;
    for (let k = 0; k < plain.length; k++) {
      const c = plain.charCodeAt(k);
      if ((c >= 32 && c < 127) || c === 10) printable++;
    }
    if (printable / plain.length > 0.95 && INSTRUCTION_WORDS.test(plain)) return true;
  }
  return false;
}

export const EXTRA_SIGNALS = ['invisible-characters', 'tag-characters', 'encoded-instructions'];
export const HEURISTIC_FEATURE_COUNT = HEURISTIC_RULES.length + EXTRA_SIGNALS.length;
/** Every signal's id in feature order; the model file records it to catch stale weights. */
export const HEURISTIC_IDS = [...HEURISTIC_RULES.map((r) => r.id), ...EXTRA_SIGNALS];

/**
 * Which signals fire on a text. `lowerText` is the lower-cased text with invisible characters
 * removed; `rawText` is the original (for invisible and encoded payloads).
 */
export function findHeuristicHits(
  lowerText: string,
  rawText: string,
  invisible: InvisibleCharacterCounts = countInvisibleCharacters(rawText),
): number[] {
  const fired: number[] = [];
  const generation = markWords(lowerText);
  for (let i = 0; i < HEURISTIC_RULES.length; i++) {
    const triggers = TRIGGER_HASHES[i] ?? [];
    let triggered = false;
    for (let k = 0; k < triggers.length && !triggered; k++) {
      triggered = isWordMarked(generation, triggers[k] as number);
    }
    if (triggered && (HEURISTIC_RULES[i] as HeuristicRule).pattern.test(lowerText)) fired.push(i);
  }
  const base = HEURISTIC_RULES.length;
  if (invisible.invisible >= 3) fired.push(base);
  if (invisible.tags >= 3) fired.push(base + 1);
  if (hasEncodedInstructions(rawText)) fired.push(base + 2);
  return fired;
}

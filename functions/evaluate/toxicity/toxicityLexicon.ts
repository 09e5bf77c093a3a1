/**
 * A small lexicon of abusive terms, matched on normalised tokens (lower case, leetspeak
 * folded, letter runs squeezed). It is deliberately short: it gives the classifier signal on
 * words the development set never shows, and the learned weights decide how much it counts.
 * Stems match a token's start, so they are only used where no ordinary word shares them.
 */

/** Identity-based slurs (hate speech). */
export const SLUR_STEMS = [
  'nigg',
  'niga',
  'fagg',
  'faggot',
  'kike',
  'chink',
  'wetback',
  'beaner',
  'tranny',
  'dyke',
  'raghead',
  'towelhead',
  'retard',
  'sandnigg',
  'zipperhead',
  'jigaboo',
  'porchmonkey',
  'mongoloid',
  'gypo',
  'shemale',
] as const;

/** Exact tokens that are slurs but also prefixes of ordinary words. */
export const SLUR_WORDS = [
  'spic',
  'spics',
  'gook',
  'gooks',
  'coon',
  'coons',
  'paki',
  'pakis',
  'kraut',
  'krauts',
  'fag',
  'fags',
  'homo',
  'homos',
  'queers',
  'savages',
  'cracker',
  'crackers',
] as const;

/** Profanity and sexual insults (offensive language). */
export const PROFANITY_STEMS = [
  'fuck',
  'fuk',
  'shit',
  'bitch',
  'cunt',
  'pussy',
  'pussies',
  'whore',
  'slut',
  'motherf',
  'bastard',
  'asshole',
  'dumbass',
  'jackass',
  'hoes',
  'thot',
  'twat',
  'wank',
] as const;

export const PROFANITY_WORDS = [
  'dick',
  'dicks',
  'dickhead',
  'cock',
  'cocks',
  'ass',
  'hoe',
  'damn',
  'crap',
  'piss',
  'tits',
  'bj',
  'nut',
] as const;

/** Non-profane insults and threats. */
export const INSULT_WORDS = [
  'idiot',
  'idiots',
  'stupid',
  'moron',
  'morons',
  'dumb',
  'trash',
  'loser',
  'losers',
  'ugly',
  'scum',
  'pathetic',
  'worthless',
  'disgusting',
  'kill',
  'die',
  'hate',
  'ghetto',
  'thug',
  'animals',
  'monkey',
  'monkeys',
  'ape',
  'apes',
] as const;

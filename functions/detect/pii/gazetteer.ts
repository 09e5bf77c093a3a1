/**
 * Lookups over the generated word lists (gazetteerData.ts), built once per process: one map
 * from a lower-case word (or multi-word place) to the lists it is on, so a word costs one hash
 * lookup however many lists are asked about.
 */
import {
  commonWords,
  firstNames,
  lastNames,
  orgWords,
  placeWords,
  places,
} from './gazetteerData.ts';

/** Bit flags: which lists a word is on. */
export const WordList = {
  COMMON: 1,
  FIRST_NAME: 2,
  LAST_NAME: 4,
  PLACE: 8,
  ORG: 16,
  GEO_FEATURE: 32,
} as const;

const ORG_SUFFIXES =
  'inc|llc|ltd|co|corp|corporation|company|group|gmbh|plc|sa|ag|bv|nv|holdings|partners|technologies|technology|systems|solutions|services|software|labs|global|international|industries|enterprises|foundation|institute|university|college|school|bank|insurance|capital|ventures|media|network|networks|agency|associates|consulting|club|hotel|restaurant|cafe|press|records|studios|team|office';

const LISTS = new Map<string, number>();
const add = (joined: string, list: number): void => {
  for (const word of joined.split('|')) LISTS.set(word, (LISTS.get(word) ?? 0) | list);
};
add(commonWords, WordList.COMMON);
add(firstNames, WordList.FIRST_NAME);
add(lastNames, WordList.LAST_NAME);
add(places, WordList.PLACE);
add(orgWords, WordList.ORG);
add(ORG_SUFFIXES, WordList.ORG);
add(placeWords, WordList.GEO_FEATURE);

/** The lists (WordList flags) a lower-case word or multi-word place is on; 0 for none. */
export function listsOf(key: string): number {
  return LISTS.get(key) ?? 0;
}

export function isCommonWord(key: string): boolean {
  return (listsOf(key) & WordList.COMMON) !== 0;
}

export function isKnownPlace(key: string): boolean {
  return (listsOf(key) & WordList.PLACE) !== 0;
}

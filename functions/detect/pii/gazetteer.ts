/**
 * Lookup sets over the generated word lists (gazetteerData.ts), built once per process.
 */
import {
  commonWords,
  firstNames,
  lastNames,
  orgWords,
  placeWords,
  places,
} from './gazetteerData.ts';

const toSet = (joined: string): ReadonlySet<string> => new Set(joined.split('|'));

const ORG_SUFFIXES =
  'inc|llc|ltd|co|corp|corporation|company|group|gmbh|plc|sa|ag|bv|nv|holdings|partners|technologies|technology|systems|solutions|services|software|labs|global|international|industries|enterprises|foundation|institute|university|college|school|bank|insurance|capital|ventures|media|network|networks|agency|associates|consulting|club|hotel|restaurant|cafe|press|records|studios|team|office';

export const FIRST_NAMES = toSet(firstNames);
export const LAST_NAMES = toSet(lastNames);
export const PLACES = toSet(places);
export const COMMON_WORDS = toSet(commonWords);
export const ORG_WORDS = new Set([...toSet(orgWords), ...toSet(ORG_SUFFIXES)]);
export const GEO_FEATURE_WORDS = toSet(placeWords);

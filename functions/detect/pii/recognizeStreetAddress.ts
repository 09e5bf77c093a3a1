/**
 * Postal addresses. A street core is found first — house number + name + street type
 * ("12 Crown Street"), a street name carrying a street word in many languages plus a house
 * number ("Via Roma 131", "Kopfhölzistrasse 45", "ul. Miła 57"), or a PO box / military
 * address — then extended over what follows on the same or the next lines: unit (Apt., Suite),
 * city, state, country and postal code. Every piece is a bounded, sticky regex, so the scan is
 * linear in the text length.
 */
import { allMatches } from './allMatches.ts';
import { asciiTwin, hasOnlyAsciiLetters } from './asciiPatterns.ts';
import { hasContextBefore } from './contextWords.ts';
import { isCommonWord } from './gazetteer.ts';
import type { PiiCandidate } from './piiTypes.ts';

const NUMBER = String.raw`\d{1,6}(?:st|nd|rd|th|[A-Za-z])?`;
const CAP_WORD = String.raw`\p{Lu}[\p{L}\p{M}'’-]{0,30}\.?`;
const PARTICLE = String.raw`(?:de|del|della|delle|dei|degli|des|du|da|do|dos|das|di|la|le|les|van|von|der|den|het|am|an|im|y|e|u\.|ul\.|utca|tér|út|tee|terrasse|str\.|gade|vej|gata|gatan|vegen|veien|street|road)`;
const NAME_WORD = `(?:${CAP_WORD}|${PARTICLE})`;

/** English street types (USPS and Royal Mail), full and abbreviated. */
const STREET_TYPE = String.raw`(?:Street|St|Str|Road|Rd|Avenue|Ave|Av|Drive|Dr|Lane|Ln|Close|Place|Pl|Way|Court|Ct|Boulevard|Blvd|Terrace|Ter|Crescent|Cres|Highway|Hwy|Parkway|Pkwy|Square|Sq|Plaza|Route|Trail|Trl|Circle|Cir|Row|Hill|Hills|Green|Grove|Gardens|Gdns|Park|Walk|Bypass|Turnpike|Tpke|Mall|Loop|Point|Pt|Forks?|Flats?|Bridge|Gateway|Islands?|Squares|Streets|Cliffs?|Parks|Mews|Wharf|Quay|Alley|Expressway|Freeway|Pike|Causeway|Junction|Crossing|Heights|Ridge|View|Vale|Meadows?|Common|Commons|Harbor|Harbour|Estate|Rise|Parade|Esplanade)`;

/** Street words of other languages: prefixes ("Via", "Rua") and word endings ("-strasse"). */
const FOREIGN_PREFIX = String.raw`(?:Rua|Rue|R\.|Via|Viale|Vicolo|Piazza|Piazzetta|Corso|Largo|Calle|Avenida|Avda\.|Av\.|Paseo|Carrer|Camino|Ctra\.|Plaza|Ul\.|ul\.|ulica|Trg|Plac|Aleja|Al\.|Boulevard|Avenue|Chemin|Allée|Impasse|Strada|Straße|Λεωφόρος|Οδός|Πλατεία)`;
const WHOLE_FOREIGN_PREFIX = new RegExp(`^${FOREIGN_PREFIX}$`, 'u');
const FOREIGN_ENDING =
  /(?:stra(?:ss|ß)e|str\.|gasse|weg|straat|laan|gracht|plein|dreef|hove|gade|vej|veien|vegen|vei|gata|gatan|vägen|väg|stræde|tie|katu|kuja|polku|tee|utca|u\.|tér|út|braut|vegur|allee|platz|damm|ulica|trg|cesta|ulice|náměstí|rúa|gränd|torget|torg)$/i;

const ENGLISH_CORE = new RegExp(
  String.raw`(?<![\w.,/-])${NUMBER}(?:[ ]${NUMBER})?[ ](?:${NAME_WORD}[ ]){0,4}${STREET_TYPE}\b\.?`,
  'gu',
);
const NAMED_CORE = new RegExp(
  String.raw`(?=[\d\p{Lu}u])(?<![\w.,/-])(?:${NUMBER}[ ](?:${NUMBER}[ ])?)?(?:${FOREIGN_PREFIX}[ ])?${CAP_WORD}(?:[ ]${NAME_WORD}){0,3}[ ]\d{1,5}(?:[a-rt-zA-Z]\b)?(?![\w])\.?`,
  'gu',
);
/** House number and a name without a street word: an address only next to address words. */
const NUMBER_LED_CORE = new RegExp(
  String.raw`(?<![\w.,/-])${NUMBER}(?:[ ]${NUMBER})?[ ]${CAP_WORD}(?:[ ]${NAME_WORD}){0,3}`,
  'gu',
);
/**
 * How far before its last space a named core can start, in UTF-16 units: two numbers, a
 * prefix and four words of up to 32 letters, each letter counted twice for astral scripts.
 */
const NAMED_CORE_REACH = 2 * (2 * 9 + 10 + 4 * 33);
const WHOLE_PARTICLE = new RegExp(`^${PARTICLE}$`);
const UPPER_CASE_ASCII = /[A-Z]/;
const UPPER_CASE = /\p{Lu}/u;
const SPACE_THEN_DIGIT = /[ ]\d/g;
const ENGLISH_CORE_ASCII = asciiTwin(ENGLISH_CORE);
const NAMED_CORE_ASCII = asciiTwin(NAMED_CORE);
const NUMBER_LED_CORE_ASCII = asciiTwin(NUMBER_LED_CORE);
const UNIT_BEFORE = /(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat)[ ]\d{1,5}[ ]$/i;
const BOX_CORE =
  /(?<![\w])(?:(?:P\.?[ ]?O\.?[ ]?Box|Postbox|PO Box)[ ]\d{1,6}|(?:PSC|Unit|CMR)[ ]\d{1,5},?[ ]Box[ ]\d{1,5}|(?:USNS|USNV|USS|USCGC)[ ]\p{Lu}[\p{L}\p{M}'’-]{0,30})(?:\s{0,3}\n\s{0,3}(?:APO|FPO|DPO)[ ](?:AA|AE|AP)[ ]\d{5})?/giu;

/**
 * What every box address holds, in any case: "box", or a ship prefix and its space ("USS ").
 * The long-s is there because the box pattern's /iu matching reads it as an s.
 */
const MAYBE_BOX = /box|u[sſ](?:[sſ]|n[sſv]|cgc) /i;

/** A number beside a space, as in every street core: "12 Main", "5th Avenue", "Roma 131". */
const NUMBER_BESIDE_SPACE = /[ ]\d|\d[^ ]{0,2}[ ]/;

/**
 * Whether a text can hold an address at all (also right for its title-cased reading, which
 * changes only letters): a street core has a number beside a space, a box address says "box"
 * or names a ship.
 */
export function mayHoldAddress(text: string): boolean {
  return NUMBER_BESIDE_SPACE.test(text) || MAYBE_BOX.test(text);
}

const ADDRESS_CONTEXT =
  /address|adres|lives? (?:on|at|in)|living (?:on|at)|located (?:at|on)|office is at|offices are|is at|send .{0,30} to|ship(?:ping)? to|deliver(?:y|ed)? to|mail(?:ing)? to|corner of|it's in|meet .{0,30} at|enter on|reside|billing|stop at|side of|moved to|visit us at/;

const SEPARATOR = /[ \t]*(?:[,;]|\n)[ \t]*(?:[?]{3}[ ]?)?(?:\n[ \t]*)*|[ \t]+/y;
const UNIT =
  /(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Floor|Fl\.?|Room|Rm\.?|Flat|#)[ ]?[A-Za-z]?\d{1,5}[A-Za-z]?\b/iy;
const POSTCODE =
  /(?:\d{5}(?:-\d{4})?|\d{3}[ ]\d{2}|\d{4}|[A-Z]{1,2}\d[A-Z\d]?[ ]\d[A-Z]{2}|[A-Z]\d[A-Z][ ]\d[A-Z]\d)(?![\w-])/y;
const PLACE =
  /\p{Lu}[\p{L}\p{M}'’.-]{0,30}(?![\p{L}\p{M}\d])(?:[ ](?:\p{Lu}[\p{L}\p{M}'’.-]{0,30}(?![\p{L}\p{M}\d])|\([\p{L}\p{M} ]{1,20}\)|(?:de|del|do|da|dos|u|nad|na|en|am|im|sur|sul|di|la|le|les|y|i|upon|on)(?=[ ]\p{Lu}))){0,4}/uy;
/** A place may also be followed by its postal code ("Sweden 65062"). */
const PLACE_TERMINATOR = /(?:[ \t]*(?:[,;\n]|$)|[.?!](?:\s|$)|[ ]\d|[ ][A-Z]{1,2}\d)/y;
/** A postal code may also come before its town ("00153 Roma"). */
const POSTCODE_TERMINATOR = /(?:[ \t]*(?:[,;\n]|$)|[.?!](?:\s|$)|[ ](?=\p{Lu}))/uy;
const CORNER_AND = /[ ]and[ ](?:\p{Lu}[\p{L}\p{M}'’.-]{0,30}(?:[ ]|(?=[.,?!\n]|$))){1,4}/uy;

function stickyMatch(pattern: RegExp, text: string, at: number): number {
  pattern.lastIndex = at;
  const match = pattern.exec(text);
  return match ? match[0].length : -1;
}

interface Extension {
  end: number;
  pieces: number;
}

/** Extends an address over unit, city, state, country and postal code pieces. */
function extendAddress(text: string, coreEnd: number): Extension {
  let end = coreEnd;
  let pieces = 0;
  for (let step = 0; step < 7; step++) {
    const separatorLength = stickyMatch(SEPARATOR, text, end);
    if (separatorLength < 0) break;
    const lineBreak = text.slice(end, end + separatorLength).search(/[,;\n]/) >= 0;
    // After a full stop only a new line continues the address: ". Thanks, Anna" does not.
    if (!lineBreak && text[end - 1] === '.') break;
    const at = end + separatorLength;
    const unitLength = stickyMatch(UNIT, text, at);
    if (unitLength > 0) {
      end = at + unitLength;
      pieces++;
      continue;
    }
    const postcodeLength = stickyMatch(POSTCODE, text, at);
    if (postcodeLength > 0 && stickyMatch(POSTCODE_TERMINATOR, text, at + postcodeLength) >= 0) {
      end = at + postcodeLength;
      pieces++;
      continue;
    }
    const placeLength = stickyMatch(PLACE, text, at);
    if (placeLength > 0) {
      const placeEnd = at + placeLength;
      const place = text.slice(at, placeEnd);
      const shouting = place === place.toUpperCase();
      // A place after a mere space must stand out (capitals) or follow a unit or number.
      const allowed = lineBreak || shouting || pieces > 0 || /\d/.test(text.charAt(end - 1));
      if (allowed && stickyMatch(PLACE_TERMINATOR, text, placeEnd) >= 0 && text[placeEnd] !== ':') {
        end = placeEnd;
        pieces++;
        continue;
      }
    }
    break;
  }
  return { end, pieces };
}

function coreScore(core: string, kind: 'english' | 'named' | 'box'): number {
  if (kind === 'box') return 0.8;
  if (kind === 'english') return /^\d/.test(core) ? 0.7 : 0.5;
  const words = core
    .replace(/[\d]+[A-Za-z]?\.?/g, ' ')
    .trim()
    .split(/\s+/);
  const hasStreetWord =
    WHOLE_FOREIGN_PREFIX.test(words[0] ?? '') || words.some((word) => FOREIGN_ENDING.test(word));
  const leadingNumber = /^\d/.test(core);
  if (hasStreetWord) return leadingNumber ? 0.75 : 0.65;
  if (leadingNumber) return 0.45;
  // "Room 204", "Chapter 12": one ordinary word before a number is rarely a street.
  const single = words.length === 1 ? (words[0] ?? '').replace(/\.$/, '').toLowerCase() : '';
  return single && isCommonWord(single) ? 0.1 : 0.3;
}

/**
 * Whether the word ending at `space` can be the last word of a named core's street name
 * ("Roma" in "Via Roma 131"): either a capitalised word, whose capital then lies within the
 * 64 UTF-16 units before the space (32 letters, astral ones taking two), or a particle.
 */
function mayEndStreetName(line: string, space: number, ascii: boolean): boolean {
  let begin = space;
  const limit = Math.max(0, space - 64);
  while (begin > limit && line.charCodeAt(begin - 1) !== 32) begin--;
  if (begin === space) return false;
  const tail = line.slice(begin, space);
  if ((ascii ? UPPER_CASE_ASCII : UPPER_CASE).test(tail)) return true;
  const wholeWord = begin === 0 || line.charCodeAt(begin - 1) === 32;
  return wholeWord && WHOLE_PARTICLE.test(tail);
}

/**
 * The matches of the named-core pattern in a line, as a scan of the whole line would find
 * them. That pattern may start at any capital (or "u"), which makes a full scan the costliest
 * part of the recognizer; but every match ends in a space and a house number after a possible
 * street-name word, so the scan starts only within reach of such a place.
 */
function namedCores(line: string, ascii: boolean): RegExpExecArray[] {
  const pattern = ascii ? NAMED_CORE_ASCII : NAMED_CORE;
  const matches: RegExpExecArray[] = [];
  let scanned = 0;
  SPACE_THEN_DIGIT.lastIndex = 0;
  let endOfName: RegExpExecArray | null;
  while ((endOfName = SPACE_THEN_DIGIT.exec(line)) !== null) {
    const space = endOfName.index;
    SPACE_THEN_DIGIT.lastIndex = space + 1;
    if (space < scanned || !mayEndStreetName(line, space, ascii)) continue;
    // No match starts before `space - NAMED_CORE_REACH`, so a scan from there finds the next
    // match a scan from `scanned` would find.
    pattern.lastIndex = Math.max(scanned, space - NAMED_CORE_REACH);
    const match = pattern.exec(line);
    if (match === null) break;
    matches.push(match);
    scanned = match.index + match[0].length;
    SPACE_THEN_DIGIT.lastIndex = Math.max(SPACE_THEN_DIGIT.lastIndex, scanned);
  }
  return matches;
}

function* linesWithDigits(text: string): Generator<{ line: string; offset: number }> {
  let offset = 0;
  while (offset <= text.length) {
    const newline = text.indexOf('\n', offset);
    const end = newline < 0 ? text.length : newline;
    const line = text.slice(offset, end);
    if (/\d/.test(line)) yield { line, offset };
    offset = end + 1;
  }
}

/** An address around a street core: the core extended over what follows it, and scored. */
function addressAround(
  text: string,
  coreStart: number,
  coreEnd: number,
  kind: 'english' | 'named' | 'box' | 'number',
): PiiCandidate {
  let score = kind === 'number' ? 0.25 : coreScore(text.slice(coreStart, coreEnd), kind);
  let start = coreStart;
  const unitBefore = UNIT_BEFORE.exec(text.slice(Math.max(0, start - 16), start));
  if (unitBefore) {
    start -= unitBefore[0].length;
    score += 0.1;
  }
  let end = coreEnd;
  const cornerContext = hasContextBefore(text, start, /corner of\s*$/, 20);
  if (cornerContext) {
    const andLength = stickyMatch(CORNER_AND, text, end);
    if (andLength > 0) end += andLength;
  }
  const extension = extendAddress(text, end);
  end = extension.end;
  while (end > coreEnd && /[ ,]/.test(text[end - 1] ?? '')) end--;
  if (extension.pieces > 0) score += 0.1 + 0.05 * Math.min(extension.pieces, 3);
  if (hasContextBefore(text, start, ADDRESS_CONTEXT)) score += 0.25;
  return { type: 'STREET_ADDRESS', start, end, score: Math.min(0.95, score) };
}

/** "at 5 PM", "the 3 Musketeers": ordinary words after a number are not a street name. */
function isOrdinaryAfterNumber(word: string): boolean {
  const bare = word.replace(/\.$/, '');
  return bare.length < 3 || bare === bare.toUpperCase() || isCommonWord(bare.toLowerCase());
}

/** `asciiLetters`: what hasOnlyAsciiLetters(text) says, when the caller knows it already. */
export function recognizeStreetAddress(text: string, asciiLetters?: boolean): PiiCandidate[] {
  const found: PiiCandidate[] = [];
  // Street cores sit on one line and contain a digit: only lines with a digit are scanned.
  const ascii = asciiLetters ?? hasOnlyAsciiLetters(text);
  for (const { line, offset } of linesWithDigits(text)) {
    for (const match of allMatches(ascii ? ENGLISH_CORE_ASCII : ENGLISH_CORE, line)) {
      const start = offset + match.index;
      found.push(addressAround(text, start, start + match[0].length, 'english'));
    }
    for (const match of namedCores(line, ascii)) {
      const start = offset + match.index;
      found.push(addressAround(text, start, start + match[0].length, 'named'));
    }
    for (const match of allMatches(ascii ? NUMBER_LED_CORE_ASCII : NUMBER_LED_CORE, line)) {
      const words = match[0].split(' ').filter((word) => !/^\d/.test(word));
      if (words.some(isOrdinaryAfterNumber)) continue;
      const start = offset + match.index;
      found.push(addressAround(text, start, start + match[0].length, 'number'));
    }
  }
  for (const match of MAYBE_BOX.test(text) ? allMatches(BOX_CORE, text) : []) {
    found.push(addressAround(text, match.index, match.index + match[0].length, 'box'));
  }
  return found;
}

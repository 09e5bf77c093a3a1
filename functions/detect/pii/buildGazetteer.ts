/**
 * Builds `gazetteerData.ts` (committed) from the lexicon that ships with the `compromise` NLP
 * library: given names, family names, countries, cities, regions, organisation and place
 * keywords, and the common English words that are not names. Running compromise itself costs
 * ~30 ms per 2 KB, far over the PII budget, so the detector uses only its word lists.
 * compromise knows only ~14k common words, so the lower-case entries of the system word list
 * (Debian package `wamerican`, /usr/share/dict/american-english) are added to them: a
 * capitalised word that is an ordinary English word is weak evidence of a name.
 *
 * Run: apt-get install wamerican && npx tsx functions/detect/pii/buildGazetteer.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import nlp from 'compromise';

interface CompromiseModel {
  one: { lexicon: Record<string, string | string[]> };
  two: { orgWords: Record<string, boolean>; placeWords: Record<string, boolean> };
}

const NAME_TAGS = new Set(['FirstName', 'MaleName', 'FemaleName']);
const PLACE_TAGS = new Set(['Country', 'City', 'Region']);
const PROPER_TAGS = new Set([
  ...NAME_TAGS,
  ...PLACE_TAGS,
  'LastName',
  'Person',
  'Place',
  'Organization',
  'SportsTeam',
  'ProperNoun',
  'Demonym',
]);

const SYSTEM_WORDS = '/usr/share/dict/american-english';

function collectLists(model: CompromiseModel, systemWords: string[]): Record<string, string[]> {
  const lists: Record<string, Set<string>> = {
    firstNames: new Set(),
    lastNames: new Set(),
    places: new Set(),
    commonWords: new Set(),
  };
  for (const [word, rawTags] of Object.entries(model.one.lexicon)) {
    const tags = Array.isArray(rawTags) ? rawTags : [rawTags];
    if (!/^[a-z][a-z'-]*( [a-z][a-z'-]*){0,3}$/.test(word)) continue;
    if (tags.some((tag) => NAME_TAGS.has(tag))) lists.firstNames!.add(word);
    if (tags.includes('LastName')) lists.lastNames!.add(word);
    if (tags.some((tag) => PLACE_TAGS.has(tag))) lists.places!.add(word);
    if (!word.includes(' ') && !tags.some((tag) => PROPER_TAGS.has(tag))) {
      lists.commonWords!.add(word);
    }
  }
  for (const word of systemWords) {
    if (/^[a-z]{2,}$/.test(word)) lists.commonWords!.add(word);
  }
  return {
    firstNames: [...lists.firstNames!].sort(),
    lastNames: [...lists.lastNames!].sort(),
    places: [...lists.places!].sort(),
    commonWords: [...lists.commonWords!].sort(),
    orgWords: Object.keys(model.two.orgWords).sort(),
    placeWords: Object.keys(model.two.placeWords).sort(),
  };
}

export function renderGazetteerModule(lists: Record<string, string[]>): string {
  const lines = [
    '/**',
    ' * Word lists for the PII name and place recognizers, generated from the `compromise` lexicon',
    ' * by buildGazetteer.ts (do not edit by hand). Each list is lower case, joined by "|".',
    ' */',
  ];
  for (const [name, words] of Object.entries(lists)) {
    lines.push(`export const ${name} = ${JSON.stringify(words.join('|'))};`);
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const systemWords = readFileSync(SYSTEM_WORDS, 'utf8').split('\n');
  const lists = collectLists(nlp.model() as unknown as CompromiseModel, systemWords);
  const target = fileURLToPath(new URL('./gazetteerData.ts', import.meta.url));
  writeFileSync(target, renderGazetteerModule(lists));
  process.stdout.write(
    `${Object.entries(lists)
      .map(([name, words]) => `${name}: ${words.length}`)
      .join(', ')}\n`,
  );
}

/**
 * Destination search over a small index the server builds once per catalog
 * change: the browser runs it on every keystroke, the /search page runs it
 * for visitors without JavaScript. Pure and dependency-free so it ships to
 * the client as a few hundred bytes.
 */

export interface SearchEntry {
  slug: string;
  name: string;
  kind: "COUNTRY" | "REGION";
  /** Lower-case alpha-2 code for the country's flag; null for a region. */
  flag: string | null;
  /** ISO 3166-1 alpha-2 and alpha-3 codes, upper case (a region: the codes it covers are not listed here). */
  codes: string[];
  /** Other names people use: "USA", "UK", "Korea", "Holland"… */
  aliases: string[];
  /** Names of the regional destinations whose plans also cover this country. */
  regions: string[];
  fromPriceMinor: number | null;
  currency: string | null;
}

/** Lower case, accents dropped ("Türkiye" → "turkiye", "Curaçao" → "curacao"), punctuation as spaces. */
export function foldForSearch(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

function startsWordOf(text: string, query: string): boolean {
  return text.startsWith(query) || text.includes(` ${query}`);
}

/** How well an entry matches an already folded query: lower is better, null is no match. */
function rank(entry: SearchEntry, query: string): number | null {
  const name = foldForSearch(entry.name);
  const aliases = entry.aliases.map(foldForSearch);
  if (entry.codes.some((code) => code.toLowerCase() === query)) return 0;
  if (name === query) return 1;
  if (name.startsWith(query)) return 2;
  if (aliases.some((alias) => alias === query || alias.startsWith(query))) return 3;
  if (startsWordOf(name, query)) return 4;
  if (aliases.some((alias) => startsWordOf(alias, query)) || (query.length >= 3 && name.includes(query))) return 5;
  if (query.length >= 3 && entry.regions.some((region) => startsWordOf(foldForSearch(region), query))) return 6;
  return null;
}

/**
 * Destinations matching what a traveller typed: ISO codes, names, aliases,
 * then countries a matching region covers; best match first, then A–Z.
 */
export function searchDestinations(entries: readonly SearchEntry[], typed: string, limit = Number.POSITIVE_INFINITY): SearchEntry[] {
  const query = foldForSearch(typed);
  if (!query) return [];
  return entries
    .flatMap((entry) => {
      const score = rank(entry, query);
      return score === null ? [] : [{ entry, score }];
    })
    .sort((a, b) => a.score - b.score || a.entry.name.localeCompare(b.entry.name, "en"))
    .slice(0, limit)
    .map(({ entry }) => entry);
}

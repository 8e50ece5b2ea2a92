import { describe, expect, it } from "vitest";
import { countryAliases } from "@/lib/geo/countries";
import { foldForSearch, searchDestinations, type SearchEntry } from "@/lib/geo/search";

function country(slug: string, name: string, code: string, regions: string[] = []): SearchEntry {
  const aliases = countryAliases(code);
  return {
    slug,
    name,
    kind: "COUNTRY",
    flag: code.toLowerCase(),
    codes: [code, ...aliases.filter((a) => /^[A-Z]{3}$/.test(a))],
    aliases: aliases.filter((a) => !/^[A-Z]{3}$/.test(a)),
    regions,
    fromPriceMinor: 449,
    currency: "USD",
  };
}
const region = (slug: string, name: string): SearchEntry => ({
  slug,
  name,
  kind: "REGION",
  flag: null,
  codes: [],
  aliases: [],
  regions: [],
  fromPriceMinor: 699,
  currency: "USD",
});

const INDEX = [
  country("japan", "Japan", "JP", ["Asia 30", "Global"]),
  country("united-states", "United States", "US", ["North America", "Global"]),
  country("united-kingdom", "United Kingdom", "GB", ["Europe", "Global"]),
  country("united-arab-emirates", "United Arab Emirates", "AE", ["Middle East", "Global"]),
  country("south-korea", "South Korea", "KR", ["Asia 30", "Global"]),
  country("turkey", "Türkiye", "TR", ["Europe", "Middle East", "Global"]),
  country("curacao", "Curaçao", "CW"),
  country("france", "France", "FR", ["Europe", "Global"]),
  region("europe", "Europe"),
  region("asia-30", "Asia 30"),
  region("southeast-asia", "Southeast Asia"),
  region("global", "Global"),
];
const slugs = (query: string, limit?: number) => searchDestinations(INDEX, query, limit).map((e) => e.slug);

describe("destination search", () => {
  it("finds a country from the first letters of its name, in any case", () => {
    expect(slugs("jap")).toEqual(["japan"]);
    expect(slugs("JAPAN")).toEqual(["japan"]);
    expect(slugs("  fra ")).toEqual(["france"]);
  });

  it("finds countries by ISO alpha-2 and alpha-3 codes, before names that merely contain the letters", () => {
    expect(slugs("jp")[0]).toBe("japan");
    expect(slugs("us")[0]).toBe("united-states");
    expect(slugs("gbr")[0]).toBe("united-kingdom");
    expect(slugs("kor")[0]).toBe("south-korea");
  });

  it("knows the names travellers use: USA, UK, UAE, Korea, America, Britain", () => {
    expect(slugs("usa")[0]).toBe("united-states");
    expect(slugs("america")[0]).toBe("united-states");
    expect(slugs("uk")[0]).toBe("united-kingdom");
    expect(slugs("great britain")[0]).toBe("united-kingdom");
    expect(slugs("uae")[0]).toBe("united-arab-emirates");
    expect(slugs("korea")[0]).toBe("south-korea");
  });

  it("ignores accents both ways", () => {
    expect(slugs("turkiye")).toContain("turkey");
    expect(slugs("turkey")[0]).toBe("turkey");
    expect(slugs("curacao")).toEqual(["curacao"]);
    expect(slugs("Curaçao")).toEqual(["curacao"]);
    expect(foldForSearch("Côte d’Ivoire")).toBe("cote d ivoire");
  });

  it("finds regions by name, then the countries they cover", () => {
    expect(slugs("europe")).toEqual(["europe", "france", "turkey", "united-kingdom"]);
    expect(slugs("asia")).toEqual(["asia-30", "southeast-asia", "japan", "south-korea"]);
  });

  it("matches words inside a name, and nothing for unknown text or an empty box", () => {
    expect(slugs("kingdom")).toEqual(["united-kingdom"]);
    expect(slugs("narnia")).toEqual([]);
    expect(slugs("   ")).toEqual([]);
  });

  it("stops at the limit, best first", () => {
    expect(slugs("united", 2)).toEqual(["united-arab-emirates", "united-kingdom"]);
  });

  it("answers well within a keystroke's budget over a catalog-sized index", () => {
    const big = Array.from({ length: 20 }, (_, i) => INDEX.map((e) => ({ ...e, slug: `${e.slug}-${i}` }))).flat();
    const started = performance.now();
    for (const query of ["j", "ja", "jap", "u", "un", "uni", "e", "eu", "eur"]) searchDestinations(big, query, 8);
    // Nine keystrokes over 240 destinations (four times the catalog), far under the 100 ms a keystroke may take.
    expect(performance.now() - started).toBeLessThan(50);
  });
});

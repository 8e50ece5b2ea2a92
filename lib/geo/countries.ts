/**
 * Country identities from the ISO 3166-1 data set of `i18n-iso-countries`:
 * numeric codes (MIOeSIM's SKU `countryCode`), alpha-2 codes (MeiSIM's
 * `countryISO`) and English names (MIOeSIM's `supportCountry`, MeiSIM's
 * country names) all resolve through it, never through a table of our own.
 */
import countries from "i18n-iso-countries";
import en from "i18n-iso-countries/langs/en.json" with { type: "json" };

countries.registerLocale(en);

/** Spellings providers use that the ISO data set words differently; each still resolves through ISO. */
const NAME_VARIANTS: Record<string, string> = {
  korea: "KR",
  "korea, south": "KR",
  "south korea": "KR",
  macau: "MO",
  "czech republic": "CZ",
  turkiye: "TR",
  türkiye: "TR",
  "ivory coast": "CI",
  "cape verde": "CV",
  swaziland: "SZ",
  uk: "GB",
  usa: "US",
  uae: "AE",
};

/** True for a single-country numeric code (1–3 digits); MIOeSIM's regions use longer codes such as 99918. */
export function isNumericCountryCode(code: string): boolean {
  return /^\d{1,3}$/.test(code.trim());
}

/** ISO 3166-1 numeric ("392", "32") → alpha-2 ("JP"); null when ISO has no such country. */
export function alpha2FromNumeric(code: string): string | null {
  if (!isNumericCountryCode(code)) return null;
  return countries.numericToAlpha2(code.trim().padStart(3, "0")) ?? null;
}

/** An English country name, in ISO's wording or a common variant → alpha-2; null when unknown. */
export function alpha2FromName(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed) return null;
  return countries.getAlpha2Code(trimmed, "en") ?? NAME_VARIANTS[trimmed.toLowerCase()] ?? null;
}

/** An alpha-2 code ISO knows, upper-cased; null otherwise. */
export function normaliseAlpha2(code: string): string | null {
  const upper = code.trim().toUpperCase();
  return countries.isValid(upper) && /^[A-Z]{2}$/.test(upper) ? upper : null;
}

/** The English short name of an alpha-2 code ("KR" → "South Korea"). */
export function countryName(alpha2: string): string | null {
  return countries.getName(alpha2.toUpperCase(), "en") ?? null;
}

/**
 * Names travellers type that ISO's data set does not list for a country
 * ("America", "Holland"); ISO's own alternatives (USA, UK, UAE, Czechia…)
 * come from the data set itself.
 */
const EXTRA_ALIASES: Record<string, string[]> = {
  US: ["America"],
  GB: ["Britain", "England", "Scotland", "Wales"],
  AE: ["Emirates", "Dubai", "Abu Dhabi"],
  KR: ["Korea"],
  NL: ["Holland"],
  MO: ["Macau"],
  CN: ["Mainland China"],
};

/**
 * What people call a country besides its short name: ISO's alternative
 * names, the provider spellings above, its alpha-3 code, and common
 * aliases. The alpha-2 code itself is not included (callers have it).
 */
export function countryAliases(alpha2: string): string[] {
  const code = alpha2.toUpperCase();
  const iso = countries.getNames("en", { select: "all" })[code] ?? [];
  const variants = Object.entries(NAME_VARIANTS).flatMap(([name, target]) => (target === code ? [name] : []));
  const alpha3 = countries.alpha2ToAlpha3(code);
  const all = [...iso, ...variants, ...(EXTRA_ALIASES[code] ?? []), ...(alpha3 ? [alpha3] : [])];
  const short = countryName(code)?.toLowerCase();
  const seen = new Set<string>();
  return all.filter((name) => {
    const key = name.toLowerCase();
    if (key === short || key === code.toLowerCase() || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

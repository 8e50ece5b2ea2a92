/**
 * MIOeSIM names single-country SKUs by ISO 3166-1 numeric code ("392") and
 * lists region coverage by English country name. This table turns both into
 * alpha-2 codes for the countries MIOeSIM sells (and its simulator seeds);
 * a code or name missing here yields no alpha-2 code rather than a guess.
 */
const COUNTRIES: ReadonlyArray<readonly [numeric: string, alpha2: string, name: string]> = [
  ["032", "AR", "Argentina"], ["036", "AU", "Australia"], ["040", "AT", "Austria"], ["076", "BR", "Brazil"],
  ["124", "CA", "Canada"], ["152", "CL", "Chile"], ["156", "CN", "China"], ["158", "TW", "Taiwan"],
  ["250", "FR", "France"], ["276", "DE", "Germany"], ["300", "GR", "Greece"], ["344", "HK", "Hong Kong"],
  ["356", "IN", "India"], ["360", "ID", "Indonesia"], ["376", "IL", "Israel"], ["380", "IT", "Italy"],
  ["392", "JP", "Japan"], ["404", "KE", "Kenya"], ["410", "KR", "South Korea"], ["446", "MO", "Macao"],
  ["458", "MY", "Malaysia"], ["484", "MX", "Mexico"], ["504", "MA", "Morocco"], ["528", "NL", "Netherlands"],
  ["554", "NZ", "New Zealand"], ["566", "NG", "Nigeria"], ["608", "PH", "Philippines"], ["620", "PT", "Portugal"],
  ["682", "SA", "Saudi Arabia"], ["702", "SG", "Singapore"], ["704", "VN", "Vietnam"], ["710", "ZA", "South Africa"],
  ["724", "ES", "Spain"], ["756", "CH", "Switzerland"], ["764", "TH", "Thailand"], ["784", "AE", "United Arab Emirates"],
  ["792", "TR", "Turkey"], ["818", "EG", "Egypt"], ["826", "GB", "United Kingdom"], ["840", "US", "United States"],
];

const byNumeric = new Map(COUNTRIES.map(([numeric, alpha2]) => [numeric, alpha2]));
const byName = new Map(COUNTRIES.map(([, alpha2, name]) => [name.toLowerCase(), alpha2]));

/** True for a single-country code (1–3 digits); regions use longer 99xxx codes. */
export function isCountryCode(countryCode: string): boolean {
  return /^\d{1,3}$/.test(countryCode.trim());
}

export function alpha2FromNumeric(countryCode: string): string | null {
  return byNumeric.get(countryCode.trim().padStart(3, "0")) ?? null;
}

export function alpha2FromName(name: string): string | null {
  return byName.get(name.trim().toLowerCase()) ?? null;
}

/**
 * Reading the MeiSIM answers the document describes only in words or not at
 * all (bundles, countries, the order answer past Status/Iccid/QrCode, eSIM
 * details, revoke, top-up networks/confirm/recharge, portal login, SKU lists,
 * resend/replace). Everything is normalised here, once, on top of the shared
 * tolerant readers in ../loose: keys in any case or separator style, numbers
 * as strings, lists bare or wrapped, fields nested up to two wrappers deep
 * (data, result, esim, usage, pagination, a one-element list…), and each
 * field looked for under the names the document's words give it.
 *
 * Readings chosen where the document is silent:
 * - Data amounts: a bare number is MB (unless its name says GB or bytes, or
 *   it is ≥ 1e8, which only bytes can be); text "5GB", "500 MB", "1.5 GB";
 *   1 GB = 1024 MB; "Unlimited", a negative number or an explicit null is
 *   unlimited, and so is a bundle with no allowance field whose name or
 *   description says "unlimited". "1GB/day", "per day", "daily" mark a day pass.
 * - Validity: a bare number is days; text "30 days", "4 weeks" (×7),
 *   "1 month" (30 days), "24 hours" (rounded up to whole days).
 * - Money: major units of USD (the wallet's currency) unless a currency is
 *   named; "$4.49", "4.49 USD", { amount, currency } read too; names ending
 *   in Cents are minor units.
 * - Countries: ISO 3166-1 alpha-2 codes or English names, via lib/geo.
 * - Instants: ISO text, zone-less "YYYY-MM-DD HH:MM:SS" as UTC, epoch s/ms.
 * - Envelopes: a 200 whose Status is a failure word (Failed, Error…) or whose
 *   success/ok is false is a refusal; other Status words are data.
 */
import { alpha2FromName, normaliseAlpha2 } from "../../geo/countries";
import { ProviderResponseError } from "../errors";
import { toMinorUnits } from "../http";
import { foldKey, isRecord, looseBoolean, looseList, looseNumber, looseString, optional, pick, required, type LooseRecord } from "../loose";
import type { EsimState, Money } from "../types";
import { MeisimUpstreamError } from "./errors";

// ── Layers: the answer and the wrappers it may nest its fields in ────────

const WRAPPERS = [
  "data",
  "result",
  "results",
  "payload",
  "response",
  "body",
  "esim",
  "sim",
  "profile",
  "order",
  "details",
  "detail",
  "info",
  "usage",
  "dataUsage",
  "attributes",
  "activation",
  "install",
  "installation",
  "meta",
  "pagination",
  "paging",
  "pageInfo",
  "page",
].map(foldKey);

/**
 * The record itself, then records nested in it under wrapper names (and
 * one-element lists under any name, e.g. `esims: [{…}]`), two levels deep,
 * outermost first.
 */
export function layers(value: unknown, depth = 2): LooseRecord[] {
  const out: LooseRecord[] = [];
  const visit = (v: unknown, level: number) => {
    const item = Array.isArray(v) && v.length === 1 ? v[0] : v;
    if (!isRecord(item) || out.includes(item)) return;
    out.push(item);
    if (level >= depth) return;
    for (const [key, inner] of Object.entries(item)) {
      if (WRAPPERS.includes(foldKey(key)) || (Array.isArray(inner) && inner.length === 1 && isRecord(inner[0]))) visit(inner, level + 1);
    }
  };
  visit(value, 0);
  return out;
}

/** `optional` over layers: the first layer where one of `names` reads. */
export function optionalIn<T>(
  records: readonly LooseRecord[],
  names: readonly string[],
  read: (value: unknown) => T | undefined,
): T | undefined {
  for (const record of records) {
    const value = optional(record, names, read);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** `required` over layers: reads from the first layer holding one of `names`, or fails naming the field. */
export function requiredIn<T>(
  endpoint: string,
  records: readonly LooseRecord[],
  field: string,
  names: readonly string[],
  read: (value: unknown) => T | undefined,
): T {
  const found = optionalIn(records, names, read);
  if (found !== undefined) return found;
  const holder = records.find((r) => pick(r, names) !== undefined) ?? records[0] ?? {};
  return required("meisim", endpoint, holder, field, names, read);
}

/** True when a key of one of `names` is present with an explicit null (e.g. `DataMb: null` for unlimited). */
function explicitNull(records: readonly LooseRecord[], names: readonly string[]): boolean {
  const wanted = names.map(foldKey);
  return records.some((r) => Object.entries(r).some(([key, value]) => value === null && wanted.includes(foldKey(key))));
}

export const text = (value: unknown): string | undefined =>
  isRecord(value) ? looseString(pick(value, ["name", "value", "code"])) : looseString(value);

// ── Envelope status ─────────────────────────────────────────────────────

const FAILURE_WORDS = /^(fail|failed|failure|error|declined|rejected|denied|refused|unsuccessful|ko)$/i;
const MESSAGE_NAMES = ["message", "errorMessage", "error", "reason", "detail", "description", "msg"];

export function messageIn(body: unknown): string | undefined {
  return isRecord(body) ? optionalIn(layers(body, 1), MESSAGE_NAMES, text) : undefined;
}

/**
 * A 200 that reports failure in its envelope (`Status: "Failed"`,
 * `success: false`, `ok: false`) is a refusal, not data. Other Status words
 * are left alone: in some answers "status" is a state, not an envelope.
 */
export function refusalIn(body: unknown, where: string): MeisimUpstreamError | undefined {
  if (!isRecord(body)) return undefined;
  const status = looseString(pick(body, ["status"]));
  const flag = looseBoolean(pick(body, ["success", "ok"]));
  if ((status && FAILURE_WORDS.test(status)) || flag === false)
    return new MeisimUpstreamError(where, status ?? "success: false", messageIn(body));
  return undefined;
}

// ── Amounts of data, durations, money, instants ─────────────────────────

const UNIT_MB: Record<string, number> = {
  tb: 1024 * 1024,
  t: 1024 * 1024,
  gb: 1024,
  g: 1024,
  mb: 1,
  m: 1,
  kb: 1 / 1024,
  k: 1 / 1024,
  b: 1 / (1024 * 1024),
  bytes: 1 / (1024 * 1024),
  byte: 1 / (1024 * 1024),
};
const DATA_UNIT = /^(tb|gb|mb|kb|b|bytes?)$/i;
const UNLIMITED = /^(unlimited|unlimited data|infinite|infinity|∞|no limit|nolimit|-1)\b/i;

/** A day-pass allowance reads "1GB/day", "1 GB per day", "daily 1GB". */
export const DAY_PASS_TEXT = /(\/\s*day|per\s*day|daily|a day\b|\/d\b)/i;

/**
 * A data amount in MB from a number (in `unit`), text such as "5GB",
 * "500 MB", "1.5 GB", "1GB/day", or { amount, unit }; null for unlimited;
 * undefined when unreadable.
 */
export function dataMb(value: unknown, unit: "mb" | "gb" | "kb" | "bytes" = "mb"): number | null | undefined {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return undefined;
    if (value < 0) return null;
    const bytes = unit === "bytes" || (unit === "mb" && value >= 1e8);
    return Math.round(value * (bytes ? UNIT_MB.bytes! : UNIT_MB[unit]!));
  }
  if (typeof value === "string") {
    const t = value.trim().toLowerCase().replace(/,/g, ".");
    if (!t) return undefined;
    if (UNLIMITED.test(t)) return null;
    const m = /^(-?\d+(?:\.\d+)?)\s*(tb|gb|mb|kb|bytes|byte|b|t|g|m|k)?\b/.exec(t);
    if (!m) return undefined;
    return m[2] ? (Number(m[1]) < 0 ? null : Math.round(Number(m[1]) * UNIT_MB[m[2]]!)) : dataMb(Number(m[1]), unit);
  }
  if (isRecord(value)) {
    if (looseBoolean(pick(value, ["unlimited", "isUnlimited"])) === true) return null;
    const amount = pick(value, ["amount", "value", "size", "quantity", "volume"]);
    const u = looseString(pick(value, ["unit", "units"]));
    if (amount === undefined) return undefined;
    return u && looseNumber(amount) !== undefined ? dataMb(`${looseNumber(amount)} ${u}`, unit) : dataMb(amount, unit);
  }
  return undefined;
}

/** Reads a data amount over layers: names that count MB, GB or bytes, a unit beside a bare number, and flags for unlimited. */
export function dataAmountIn(
  records: readonly LooseRecord[],
  names: {
    mb: readonly string[];
    gb?: readonly string[];
    bytes?: readonly string[];
    unit?: readonly string[];
    unlimitedFlags?: readonly string[];
  },
): { found: boolean; mb: number | null; raw: unknown } {
  if (names.unlimitedFlags && optionalIn(records, names.unlimitedFlags, looseBoolean) === true) return { found: true, mb: null, raw: true };
  const unitWord = names.unit
    ? optionalIn(records, names.unit, (v) => (DATA_UNIT.test(looseString(v) ?? "") ? looseString(v) : undefined))
    : undefined;
  for (const [list, unit] of [
    [names.mb, "mb"],
    [names.gb ?? [], "gb"],
    [names.bytes ?? [], "bytes"],
  ] as const) {
    for (const record of records) {
      const raw = pick(record, list);
      if (raw === undefined) continue;
      const withUnit = unitWord && looseNumber(raw) !== undefined ? `${looseNumber(raw)} ${unitWord}` : raw;
      const mb = dataMb(withUnit, unit);
      if (mb !== undefined) return { found: true, mb, raw };
    }
  }
  if (explicitNull(records, names.mb)) return { found: true, mb: null, raw: null };
  return { found: false, mb: null, raw: undefined };
}

const DAYS_PER: Record<string, number> = {
  d: 1,
  day: 1,
  days: 1,
  w: 7,
  wk: 7,
  week: 7,
  weeks: 7,
  mo: 30,
  month: 30,
  months: 30,
  h: 1 / 24,
  hr: 1 / 24,
  hrs: 1 / 24,
  hour: 1 / 24,
  hours: 1 / 24,
  y: 365,
  year: 365,
  years: 365,
};

/** Whole days from a number (days, or hours when `unit` says), "30 days", "4 weeks", "1 month", "24 hours", or { value, unit }. */
export function days(value: unknown, unit: "days" | "hours" = "days"): number | undefined {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value <= 0) return undefined;
    return Math.max(1, Math.ceil(unit === "hours" ? value / 24 : value));
  }
  if (typeof value === "string") {
    const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)?\.?$/i.exec(value.trim());
    if (!m) return undefined;
    if (!m[2]) return days(Number(m[1]), unit);
    const per = DAYS_PER[m[2].toLowerCase()];
    return per === undefined ? undefined : days(Number(m[1]) * per);
  }
  if (isRecord(value)) {
    const amount = looseNumber(pick(value, ["value", "amount", "duration", "count"]));
    const u = looseString(pick(value, ["unit", "units"]));
    return amount === undefined ? undefined : days(u ? `${amount} ${u}` : amount, unit);
  }
  return undefined;
}

/** Over layers: names that count days, names that count hours, and a unit word beside a bare number. */
export function daysIn(
  records: readonly LooseRecord[],
  names: { days: readonly string[]; hours?: readonly string[]; unit?: readonly string[] },
): number | undefined {
  const unitWord = names.unit
    ? optionalIn(records, names.unit, (v) => ((looseString(v)?.toLowerCase() ?? "") in DAYS_PER ? looseString(v) : undefined))
    : undefined;
  const withUnit = (v: unknown) => (unitWord && looseNumber(v) !== undefined ? `${looseNumber(v)} ${unitWord}` : v);
  return (
    optionalIn(records, names.days, (v) => days(withUnit(v))) ??
    (names.hours ? optionalIn(records, names.hours, (v) => days(v, "hours")) : undefined)
  );
}

const CURRENCY = /^[A-Z]{3}$/;

const SYMBOLS: Record<string, string> = { $: "USD", US$: "USD", "€": "EUR", "£": "GBP" };

/** Minor units (and a currency when the text names one) from 4.49, "4.49", "$4.49", "4.49 USD", "EUR 12", "1,234.50". */
export function majorToMinor(value: unknown): { minor: number; currency?: string } | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? { minor: toMinorUnits(value) } : undefined;
  if (typeof value !== "string") return undefined;
  const m = /^(?:([A-Za-z]{3})\s*)?(US\$|\$|€|£)?\s*(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)\s*([A-Za-z]{3})?$/.exec(value.trim());
  if (!m) return undefined;
  const currency = (m[1] ?? m[4])?.toUpperCase() ?? (m[2] ? SYMBOLS[m[2]] : undefined);
  return { minor: toMinorUnits(m[3]!.replace(/,/g, "")), currency };
}

/** A price over layers: minor-unit names first, then major-unit ones (number, text or { amount, currency }); currency defaults to USD. */
export function moneyIn(
  records: readonly LooseRecord[],
  names: { major: readonly string[]; cents?: readonly string[]; currency?: readonly string[] },
): Money | undefined {
  const currencyField = optionalIn(records, names.currency ?? ["currency", "currencyCode"], (v) => {
    const c = looseString(v)?.toUpperCase();
    return c && CURRENCY.test(c) ? c : undefined;
  });
  const cents = names.cents
    ? optionalIn(records, names.cents, (v) =>
        looseNumber(v) !== undefined && Number.isInteger(looseNumber(v)) ? looseNumber(v) : undefined,
      )
    : undefined;
  if (cents !== undefined) return { amountMinor: cents, currency: currencyField ?? "USD" };
  for (const record of records) {
    const raw = pick(record, names.major);
    if (raw === undefined) continue;
    if (isRecord(raw)) {
      const amount = majorToMinor(pick(raw, ["amount", "value", "price"]));
      const currency = looseString(pick(raw, ["currency", "currencyCode"]))?.toUpperCase();
      if (amount !== undefined)
        return {
          amountMinor: amount.minor,
          currency: currency && CURRENCY.test(currency) ? currency : (amount.currency ?? currencyField ?? "USD"),
        };
      continue;
    }
    const amount = majorToMinor(raw);
    if (amount !== undefined) return { amountMinor: amount.minor, currency: amount.currency ?? currencyField ?? "USD" };
  }
  return undefined;
}

/** An instant as ISO text, from ISO or "YYYY-MM-DD HH:MM:SS" text or epoch seconds / milliseconds. */
export function instant(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value) && value > 0) return new Date(value < 1e11 ? value * 1000 : value).toISOString();
  if (typeof value !== "string" || !value.trim()) return undefined;
  if (/^\d+$/.test(value.trim())) return instant(Number(value));
  // Wall-clock text without a zone ("2026-05-05 12:34:56") is read as UTC.
  const zoneless = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value.trim());
  const at = Date.parse(zoneless ? `${value.trim().replace(" ", "T")}Z` : value);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

// ── Countries ───────────────────────────────────────────────────────────

export interface CountryRef {
  /** ISO 3166-1 alpha-2, upper case. */
  iso: string;
  /** The provider's own name for it, when it gave one. */
  name: string | null;
  region: string | null;
}

const COUNTRY_CODE_NAMES = ["countryISO", "iso", "isoCode", "iso2", "alpha2", "countryCode", "code", "countryIso2", "cc", "id"];
const COUNTRY_NAME_NAMES = ["countryName", "name", "country", "label", "title", "displayName"];
const REGION_NAMES = ["region", "regionName", "continent", "zone", "area", "group"];

/** One country from an ISO code, an English name, or a record carrying either. */
export function countryRef(value: unknown): CountryRef | undefined {
  if (typeof value === "string") {
    const iso = normaliseAlpha2(value) ?? alpha2FromName(value);
    return iso ? { iso, name: normaliseAlpha2(value) ? null : value.trim(), region: null } : undefined;
  }
  if (!isRecord(value)) return undefined;
  const code = text(pick(value, COUNTRY_CODE_NAMES));
  const name = text(pick(value, COUNTRY_NAME_NAMES));
  const iso =
    (code && normaliseAlpha2(code)) || (name && (normaliseAlpha2(name) ?? alpha2FromName(name))) || (code && alpha2FromName(code)) || null;
  if (!iso) return undefined;
  const named = name && !normaliseAlpha2(name) ? name : null;
  return { iso, name: named, region: text(pick(value, REGION_NAMES)) ?? null };
}

/** Countries from a list, a comma/space separated string of codes, or a single entry; unreadable entries are dropped. */
export function countryRefs(value: unknown): CountryRef[] {
  const entries = Array.isArray(value) ? value : typeof value === "string" && /[,;|]/.test(value) ? value.split(/[,;|]/) : [value];
  const out: CountryRef[] = [];
  for (const entry of entries) {
    const ref = countryRef(typeof entry === "string" ? entry.trim() : entry);
    if (ref && !out.some((c) => c.iso === ref.iso)) out.push(ref);
  }
  return out;
}

/** GET /api/v1/esim/countries: "the upstream country catalog", in whatever list form it comes. */
export function readCountries(body: unknown, where: string): { countries: CountryRef[]; unreadable: number } {
  const list = looseList(body, ["countries", "countryList", "items", "data", "results", "list", "records", "destinations", "catalog"]);
  if (!list)
    throw new ProviderResponseError(
      "meisim",
      `${where} response: no country list found (looked for a bare list or countries, items, data, results)`,
      { body },
    );
  const countries: CountryRef[] = [];
  let unreadable = 0;
  for (const entry of list) {
    const ref = countryRef(entry);
    if (!ref) unreadable++;
    else if (!countries.some((c) => c.iso === ref.iso)) countries.push(ref);
  }
  if (list.length > 0 && countries.length === 0) {
    throw new ProviderResponseError(
      "meisim",
      `${where} response: none of the ${list.length} countries has a readable ISO code or English name (looked for ${COUNTRY_CODE_NAMES.join(", ")}; ${COUNTRY_NAME_NAMES.join(", ")})`,
      { body },
    );
  }
  return { countries, unreadable };
}

// ── Bundles ─────────────────────────────────────────────────────────────

export interface MeisimBundle {
  /** The bundle name is MeiSIM's order handle (`bundleName`, our planRef). */
  name: string;
  description: string | null;
  /** null: unlimited. */
  dataMb: number | null;
  validityDays: number;
  /** Dealer price (markup included). */
  price: Money;
  /** Coverage the bundle states; empty when it states none (the catalog derives it). */
  countries: { iso: string; name: string | null }[];
  region: string | null;
  dayPass: boolean;
}

export const BUNDLE_FIELDS = {
  name: ["bundleName", "name", "bundle", "bundleCode", "bundleId", "code", "sku", "productCode", "planCode"],
  description: ["description", "desc", "displayName", "title", "label", "friendlyName", "planName", "productName"],
  data: {
    mb: [
      "dataAllowance",
      "allowance",
      "dataAllowanceMb",
      "dataMb",
      "dataInMb",
      "data",
      "dataAmount",
      "dataAmountMb",
      "dataVolume",
      "volume",
      "dataLimit",
      "dataLimitMb",
      "dataQuota",
      "quota",
      "dataSize",
      "dataCapacity",
      "totalData",
      "totalDataMb",
    ],
    gb: ["dataGb", "dataAllowanceGb", "dataInGb", "dataAmountGb", "volumeGb", "gb"],
    bytes: ["dataBytes", "dataAllowanceBytes", "bytes"],
    unit: ["dataUnit", "allowanceUnit", "volumeUnit", "dataAllowanceUnit", "unit"],
    unlimitedFlags: ["unlimited", "isUnlimited", "unlimitedData"],
  },
  validity: {
    days: [
      "validity",
      "validityDays",
      "validityInDays",
      "validDays",
      "validForDays",
      "duration",
      "durationDays",
      "durationInDays",
      "days",
      "period",
      "periodDays",
      "validityPeriod",
      "validFor",
      "lifetime",
    ],
    hours: ["validityHours", "durationHours", "hours"],
    unit: ["validityUnit", "durationUnit", "periodUnit"],
  },
  price: {
    cents: ["priceCents", "priceInCents", "amountCents", "costCents"],
    major: [
      "price",
      "dealerPrice",
      "wholesalePrice",
      "netPrice",
      "yourPrice",
      "priceUsd",
      "cost",
      "costUsd",
      "amount",
      "amountUsd",
      "unitPrice",
      "rate",
      "fee",
    ],
    currency: ["currency", "currencyCode", "priceCurrency"],
  },
  countries: [
    "countries",
    "countryList",
    "countryCodes",
    "countryIsos",
    "coverage",
    "coverageCountries",
    "supportedCountries",
    "destinations",
    "countryISO",
    "countryIso",
    "countryCode",
    "country",
    "iso",
    "isoCode",
    "locations",
  ],
  region: ["region", "regionName", "zone", "area", "continent", "destinationRegion"],
  dayPass: ["dayPass", "isDayPass", "daily", "isDaily", "perDay", "dailyPass"],
  kind: ["type", "planType", "bundleType", "category", "kind"],
} as const;

const fieldNames = (names: readonly string[]) => names.join(", ");

/**
 * One bundle from the list. Fails with a ProviderResponseError naming the
 * field when its name, data allowance, validity or price cannot be read (the
 * catalog skips that bundle and logs why).
 */
export function readBundle(raw: unknown, where: string): MeisimBundle {
  if (!isRecord(raw))
    throw new ProviderResponseError("meisim", `${where} response: a bundle is not an object (${JSON.stringify(raw)?.slice(0, 60)})`, {
      raw,
    });
  const record = raw;
  const F = BUNDLE_FIELDS;
  const name = required("meisim", where, record, "bundle name", F.name, looseString);
  const own = [record];
  const data = dataAmountIn(own, F.data);
  const descriptionText = optional(record, F.description, looseString);
  const mentionsUnlimited = /unlimited/i.test(`${name} ${descriptionText ?? ""}`);
  if (!data.found && !mentionsUnlimited) {
    throw new ProviderResponseError(
      "meisim",
      `${where} response: bundle ${name}: data allowance is missing or unreadable (looked for ${fieldNames([...F.data.mb, ...F.data.gb])})`,
      { raw },
    );
  }
  const validityDays = daysIn(own, F.validity);
  if (validityDays === undefined) {
    throw new ProviderResponseError(
      "meisim",
      `${where} response: bundle ${name}: validity is missing or unreadable (looked for ${fieldNames(F.validity.days)})`,
      { raw },
    );
  }
  const price = moneyIn(own, F.price);
  if (price === undefined || price.amountMinor < 0) {
    throw new ProviderResponseError(
      "meisim",
      `${where} response: bundle ${name}: price is missing or unreadable (looked for ${fieldNames(F.price.major)})`,
      { raw },
    );
  }
  // A bundle named by `bundleName` may carry a display `name` as well.
  const displayName = looseString(record[Object.keys(record).find((k) => foldKey(k) === "name") ?? ""]);
  const description = descriptionText ?? (displayName && displayName !== name ? displayName : null);
  const countries = countryRefs(pick(record, F.countries)).map((c) => ({ iso: c.iso, name: c.name }));
  const dayPassFlag = optional(record, F.dayPass, looseBoolean);
  const kindText = optional(record, F.kind, looseString) ?? "";
  const dayPass = dayPassFlag ?? (DAY_PASS_TEXT.test(typeof data.raw === "string" ? data.raw : "") || /day\s*pass|daily/i.test(kindText));
  return {
    name,
    description,
    dataMb: data.found ? data.mb : null,
    validityDays,
    price,
    countries,
    region: optional(record, F.region, text) ?? null,
    dayPass,
  };
}

export interface PageInfo {
  /** Items in the whole list, when stated. */
  total?: number;
  totalPages?: number;
  pageSize?: number;
}

const positiveInt = (v: unknown) => {
  const n = looseNumber(v);
  return n !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
};

/** Whatever paging figures an answer states, wherever it states them. */
export function pageInfo(body: unknown): PageInfo {
  if (!isRecord(body)) return {};
  const ls = layers(body);
  return {
    total: optionalIn(
      ls,
      ["totalCount", "total", "totalItems", "totalRecords", "totalResults", "totalElements", "totalBundles", "totalRows", "recordsTotal"],
      positiveInt,
    ),
    totalPages: optionalIn(ls, ["totalPages", "pageCount", "pages", "lastPage", "numPages", "pagesTotal"], positiveInt),
    pageSize: optionalIn(ls, ["pageSize", "perPage", "limit", "size", "pageLength"], (v) => {
      const n = positiveInt(v);
      return n && n > 0 ? n : undefined;
    }),
  };
}

/** The bundle list of one page, bare or wrapped; undefined when none is there. */
export function bundleList(body: unknown): unknown[] | undefined {
  return looseList(body, ["bundles", "items", "data", "results", "list", "records", "rows", "products", "packages", "plans", "content"]);
}

// ── LPA (install code) ──────────────────────────────────────────────────

const LPA = /^LPA:1\$[^$\s]+\$[^$\s]+/i;

/** An LPA activation string ("LPA:1$<smdp>$<code>…"), prefix normalised; undefined otherwise. */
export function asLpa(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const t = value.trim();
  return LPA.test(t) ? `LPA:1$${t.slice(6)}` : undefined;
}

const LPA_NAMES = [
  "qrCode",
  "lpa",
  "lpaString",
  "lpaCode",
  "lpaUri",
  "activationString",
  "activationCodeFull",
  "qrCodeText",
  "qrText",
  "qrContent",
  "qrData",
  "qr",
  "installCode",
  "esimCode",
  "activationCode",
  "matchingId",
  "code",
];
const SMDP_NAMES = ["smdpAddress", "smdp", "smdpPlus", "smDpAddress", "smdpPlusAddress", "smdpServer", "smdpUrl", "sm_dp_address"];
const CODE_NAMES = ["activationCode", "matchingId", "matchingCode", "acToken", "activationToken", "code"];

/**
 * An LPA wherever an answer keeps it: QrCode when it is the LPA text, else
 * other natural names, else SM-DP+ address + activation code, else any
 * string field that is an LPA.
 */
export function findLpa(records: readonly LooseRecord[]): string | undefined {
  const named = optionalIn(records, LPA_NAMES, asLpa);
  if (named) return named;
  for (const record of records) {
    const smdp = looseString(pick(record, SMDP_NAMES));
    const code = looseString(pick(record, CODE_NAMES));
    if (smdp && code && !/[$\s]/.test(smdp) && !/[$\s]/.test(code))
      return `LPA:1$${smdp.replace(/^https?:\/\//i, "").replace(/\/+$/, "")}$${code}`;
  }
  for (const record of records) for (const value of Object.values(record)) if (asLpa(value)) return asLpa(value);
  return undefined;
}

// ── eSIM details ────────────────────────────────────────────────────────

const STATE_WORDS: [RegExp, EsimState][] = [
  [
    /^(notinstalled|notactivated|notactive|inactive|new|released|ready|available|unused|notused|pending|created|issued|notdownloaded|downloadable|idle|unactivated|notstarted)$/,
    "not_installed",
  ],
  [/^(installed|downloaded|onboarded)$/, "installed"],
  [/^(active|activated|inuse|enabled|live|running|ongoing|started)$/, "active"],
  [/^(depleted|exhausted|usedup|finished|consumed|dataexhausted|nodataleft|quotaexceeded)$/, "depleted"],
  [/^(expired|ended|validityexpired)$/, "expired"],
  [/^(revoked|disabled|deactivated|suspended|cancelled|canceled|terminated|blocked|void)$/, "disabled"],
  [/^(deleted|removed|uninstalled)$/, "deleted"],
];
const ENVELOPE_WORDS = /^(success|ok|true|false|fail|failed|error)$/;

/** An eSIM state word as our EsimState; "unknown" for words we do not know; undefined for envelope words. */
export function esimState(value: unknown): { state: EsimState; raw: string } | undefined {
  const raw = looseString(value);
  if (!raw) return undefined;
  const folded = raw.toLowerCase().replace(/[^a-z]/g, "");
  if (ENVELOPE_WORDS.test(folded)) return undefined;
  const hit = STATE_WORDS.find(([re]) => re.test(folded));
  return { state: hit ? hit[1] : "unknown", raw };
}

export interface MeisimEsimDetails {
  iccid: string | null;
  state: EsimState;
  /** MeiSIM's own state word, e.g. "NOT_INSTALLED". */
  rawState: string;
  usedMb: number;
  /** null: unlimited or not stated. */
  totalMb: number | null;
  activatedAt: string | null;
  expiresAt: string | null;
  bundleName: string | null;
  /** Only when the answer happens to carry one; the document does not promise it. */
  lpa: string | null;
}

const STATE_NAMES = [
  "activationState",
  "activationStatus",
  "state",
  "esimState",
  "esimStatus",
  "simState",
  "simStatus",
  "profileState",
  "profileStatus",
  "lifecycleState",
  "status",
];
const ACTIVATED_FLAGS = ["activated", "isActivated", "active", "isActive"];
const USED = {
  mb: [
    "dataUsed",
    "dataUsedMb",
    "usedData",
    "usedDataMb",
    "usedMb",
    "used",
    "consumed",
    "dataConsumed",
    "usedVolume",
    "usage",
    "dataUsage",
  ],
  gb: ["dataUsedGb", "usedGb"],
  bytes: ["dataUsedBytes", "usedBytes", "bytesUsed"],
  unit: ["usageUnit", "dataUnit", "unit"],
};
const TOTAL = {
  mb: [
    "dataAllowance",
    "allowance",
    "dataAllowanceMb",
    "dataTotal",
    "dataTotalMb",
    "totalData",
    "totalDataMb",
    "total",
    "totalMb",
    "dataLimit",
    "limit",
    "quota",
    "data",
    "dataMb",
  ],
  gb: ["dataAllowanceGb", "totalGb", "dataGb"],
  bytes: ["dataTotalBytes", "totalBytes"],
  unit: ["usageUnit", "dataUnit", "unit"],
  unlimitedFlags: ["unlimited", "isUnlimited"],
};
const REMAINING = {
  mb: ["dataRemaining", "remaining", "remainingData", "remainingMb", "dataLeft", "left"],
  gb: ["remainingGb", "dataRemainingGb"],
  unit: ["usageUnit", "dataUnit", "unit"],
};

/** POST /api/v1/esim/details: "activation state, data used vs allowance, expiry" (and an LPA if the service adds one). */
export function readDetails(body: unknown, where: string): MeisimEsimDetails {
  const ls = layers(body);
  if (ls.length === 0) throw new ProviderResponseError("meisim", `${where} response: not a JSON object`, { body });
  let state: { state: EsimState; raw: string } | undefined;
  search: for (const name of STATE_NAMES) {
    for (const record of ls) {
      const found = esimState(pick(record, [name]));
      if (found) {
        state = found;
        break search;
      }
    }
  }
  if (!state) {
    const activated = optionalIn(ls, ACTIVATED_FLAGS, looseBoolean);
    if (activated !== undefined) state = { state: activated ? "active" : "not_installed", raw: activated ? "activated" : "not activated" };
  }
  if (!state)
    throw new ProviderResponseError(
      "meisim",
      `${where} response: activation state is missing or unreadable (looked for ${STATE_NAMES.join(", ")})`,
      { body },
    );
  const used = dataAmountIn(ls, USED);
  const total = dataAmountIn(ls, TOTAL);
  const remaining = total.found ? undefined : dataAmountIn(ls, REMAINING);
  const usedMb = used.found ? (used.mb ?? 0) : 0;
  const totalMb = total.found ? total.mb : remaining?.found && remaining.mb !== null ? usedMb + remaining.mb : null;
  return {
    iccid: optionalIn(ls, ["iccid"], looseString) ?? null,
    state: state.state,
    rawState: state.raw,
    usedMb,
    totalMb,
    activatedAt:
      optionalIn(
        ls,
        [
          "activatedAt",
          "activationDate",
          "activationTime",
          "activatedOn",
          "startedAt",
          "startDate",
          "startTime",
          "firstUsedAt",
          "installedAt",
        ],
        instant,
      ) ?? null,
    expiresAt:
      optionalIn(
        ls,
        [
          "expiresAt",
          "expiry",
          "expiryDate",
          "expires",
          "expirationDate",
          "expiration",
          "expireAt",
          "expireTime",
          "validUntil",
          "validTo",
          "endDate",
          "endsAt",
          "expiredAt",
        ],
        instant,
      ) ?? null,
    bundleName: optionalIn(ls, ["bundleName", "bundle", "planName", "plan", "package", "productName"], text) ?? null,
    lpa: findLpa(ls) ?? null,
  };
}

// ── The order answer ────────────────────────────────────────────────────

export interface OrderAnswer {
  iccid: string;
  /** The LPA when the answer carries it as text (QrCode, or SM-DP+ address + matching id); null when only an image of it came. */
  lpa: string | null;
  /** The QrCode field as sent, when it is not LPA text (an image, a data URI, base64, a URL): ./qr-code reads it. */
  qrCode: string | null;
  /** MeiSIM's order id, when the answer carries one (the document shows none). */
  orderId: string | null;
  charged: Money | null;
}

const ICCID = /^\d{18,22}F?$/i;
const iccidText = (v: unknown) => {
  const t = looseString(v)?.replace(/\s+/g, "");
  return t && ICCID.test(t) ? t : undefined;
};

/** The answer's Status, whatever its key case; undefined when it has none. */
export function orderStatus(body: unknown): string | undefined {
  return isRecord(body) ? optionalIn(layers(body, 1), ["status", "orderStatus"], looseString) : undefined;
}

/**
 * The eSIM in an order answer whose Status was Success: `Iccid`, and an LPA
 * when one comes as text (QrCode when it is the LPA text, else SM-DP+ address
 * and matching id, else natural names); otherwise the QrCode as sent, for
 * ./qr-code to decode. Throws a ProviderResponseError naming what is missing
 * when neither is there; the card was placed anyway.
 */
export function readPlacedEsim(body: unknown, where: string): OrderAnswer {
  const ls = layers(body);
  const iccid = requiredIn(where, ls, "Iccid", ["iccid", "iccId", "simIccid", "iccidNumber", "simSerialNumber", "serialNumber"], iccidText);
  const lpa = findLpa(ls) ?? null;
  const qrCode = lpa ? null : (optionalIn(ls, ["qrCode", "qrCodeUrl", "qrCodeImage", "qrImage"], looseString) ?? null);
  if (!lpa && !qrCode) {
    throw new ProviderResponseError(
      "meisim",
      `${where} response: Status is Success but no LPA could be read for ICCID ${iccid} (no QrCode, and no ${[...LPA_NAMES.slice(1, 8), "smdpAddress + activationCode"].join(", ")})`,
      { body },
    );
  }
  return {
    iccid,
    lpa,
    qrCode,
    orderId:
      optionalIn(ls, ["orderId", "orderNo", "orderNumber", "orderRef", "orderReference", "transactionId", "id"], looseString) ?? null,
    charged:
      moneyIn(ls, {
        major: ["price", "amount", "charged", "chargedUsd", "cost", "total", "totalPrice", "amountUsd", "debited"],
        cents: ["priceCents", "amountCents"],
      }) ?? null,
  };
}

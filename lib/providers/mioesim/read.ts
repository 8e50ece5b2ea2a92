/**
 * Reading MIOeSIM answers into typed objects, once, here. Built on the
 * shared tolerant readers (../loose): keys match case- and
 * separator-insensitively, numbers may arrive as strings, lists bare or
 * wrapped. Two levels of strictness:
 *
 * - Documented answers (the envelope, login, getSkus, getPackages, the
 *   addEsimOrder order and its cards): read by the documented field names;
 *   a field the docs show and we need is required, and a missing or
 *   unreadable one is a ProviderResponseError that names it. Enumerations
 *   the docs define (order status, data unit) must hold a documented value.
 * - Undocumented answers (verifyResource, getSkuByGroup, getDpSupportSkuInfo,
 *   the ICCID endpoints, refundOrder, getOrderInfo): nothing is required
 *   that the docs do not show; records are read by the documented names
 *   where the docs have them, otherwise by a few natural names.
 *
 * No field the docs do not show is ever required (premark, count, price,
 * purchaseDate, otherOrderId… are optional everywhere).
 */
import { ProviderResponseError } from "../errors";
import { toMinorUnits } from "../http";
import { isRecord, looseBoolean, looseList, looseNumber, looseString, optional, pick, required, type LooseRecord } from "../loose";

const PROVIDER = "mioesim" as const;

/** Documented order states: -1 unpaid, 0 normal, 2 cancelled, 3 void, 4 partial unsubscribe, 5 ended, 6/7 unsubscribing. */
export const ORDER_STATUSES = [-1, 0, 2, 3, 4, 5, 6, 7] as const;
export type MioesimOrderStatus = (typeof ORDER_STATUSES)[number];

/** Wrapper keys under which an undocumented answer may hold its list. */
const LIST_WRAPPERS = ["list", "records", "rows", "items", "data", "result"] as const;

// ---- value readers (undefined = unreadable)

export function integer(value: unknown): number | undefined {
  const n = looseNumber(value);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

function orderStatus(value: unknown): MioesimOrderStatus | undefined {
  const n = integer(value);
  return (ORDER_STATUSES as readonly number[]).includes(n as number) ? (n as MioesimOrderStatus) : undefined;
}

const MB_PER_UNIT = { MB: 1, GB: 1024, TB: 1024 * 1024 } as const;
type DataUnit = keyof typeof MB_PER_UNIT;

function dataUnit(value: unknown): DataUnit | undefined {
  const unit = looseString(value)?.toUpperCase();
  return unit === "MB" || unit === "GB" || unit === "TB" ? unit : undefined;
}

/** Converts a `flows` + `unit` pair to MB (1 GB = 1024 MB, as MIOeSIM's usage counters count). */
export function dataMb(flows: number, unit: DataUnit): number {
  return Math.round(flows * MB_PER_UNIT[unit]);
}

/**
 * A price in minor units. The documents give prices as bare numbers and name
 * no currency anywhere, so the currency is the account's (the client's
 * `currency`, MIOESIM_CURRENCY), applied where the price leaves the client.
 */
function minor(value: unknown): number | undefined {
  const amount = looseNumber(value);
  if (amount === undefined || amount < 0) return undefined;
  // A string keeps its exact decimals; a number is rounded by toMinorUnits without float drift.
  return toMinorUnits(typeof value === "string" ? value.trim() : amount);
}

function textList(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(looseString).filter((item): item is string => item !== undefined);
  const joined = looseString(value);
  return joined === undefined
    ? undefined
    : joined
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean);
}

function fail(endpoint: string, problem: string, body: unknown): never {
  throw new ProviderResponseError(PROVIDER, `MIOeSIM ${endpoint} response: ${problem}`, { body });
}

function recordAt(value: unknown, endpoint: string, at: string): LooseRecord {
  if (!isRecord(value)) fail(endpoint, `${at} is ${value === undefined || value === null ? "missing" : "not an object"}`, value);
  return value;
}

/** A list bare or under one of `wrappers`; fails naming `at` when there is none. */
function listAt(value: unknown, endpoint: string, at: string, wrappers: readonly string[] = LIST_WRAPPERS): unknown[] {
  const list = looseList(value, wrappers);
  if (!list)
    fail(
      endpoint,
      `${at} is ${value === undefined || value === null ? "missing" : "not a list"} (looked for a list${wrappers.length ? ` or one under ${wrappers.join(", ")}` : ""})`,
      value,
    );
  return list;
}

export interface Skipped {
  /** Where in the answer, e.g. "esimPackageDtoList[3]". */
  at: string;
  problem: string;
}

/** Reads each item; an unreadable one is skipped and reported instead of failing the whole list. */
function readEach<T>(items: unknown[], at: string, read: (item: unknown, at: string) => T): { items: T[]; skipped: Skipped[] } {
  const out: T[] = [];
  const skipped: Skipped[] = [];
  items.forEach((item, index) => {
    const where = `${at}[${index}]`;
    try {
      out.push(read(item, where));
    } catch (err) {
      if (!(err instanceof ProviderResponseError)) throw err;
      skipped.push({ at: where, problem: err.message });
    }
  });
  return { items: out, skipped };
}

// ---- envelope and login (documented, strict)

export interface Envelope {
  code: number;
  message: string;
  data: unknown;
}

/**
 * The documented envelope `{ code, message, data }`, by its exact keys.
 * `code` is an integer, as a JSON number or a numeric string (the docs show
 * both 0 and "0"). Undefined when the body is not such an envelope.
 */
export function readEnvelope(body: unknown): Envelope | undefined {
  if (!isRecord(body) || !("code" in body)) return undefined;
  const code = typeof body.code === "number" || typeof body.code === "string" ? integer(body.code) : undefined;
  if (code === undefined) return undefined;
  const message = body.message;
  if (message !== undefined && message !== null && typeof message !== "string") return undefined;
  return { code, message: message ?? "", data: body.data };
}

export function readLogin(data: unknown): { token: string } {
  const record = recordAt(data, "login", "data");
  return { token: required(PROVIDER, "MIOeSIM login", record, "data.token", ["token"], looseString) };
}

// ---- SKUs

export interface MioesimSku {
  skuId: number;
  display: string;
  /** ISO 3166-1 numeric for a country ("392"), 99xxx for a region; null when the answer does not say. */
  countryCode: string | null;
}

/**
 * getSkus (documented: skuid, display, countryCode, all required) or an
 * undocumented SKU list (getSkuByGroup, getDpSupportSkuInfo,
 * getIccidSupportSku: only the id is required).
 */
function readSku(value: unknown, endpoint: string, at: string, documented: boolean): MioesimSku {
  const record = recordAt(value, endpoint, at);
  const skuId = required(PROVIDER, `MIOeSIM ${endpoint}`, record, `${at}.skuid`, ["skuid"], integer);
  if (documented) {
    return {
      skuId,
      display: required(PROVIDER, `MIOeSIM ${endpoint}`, record, `${at}.display`, ["display"], looseString),
      countryCode: required(PROVIDER, `MIOeSIM ${endpoint}`, record, `${at}.countryCode`, ["countryCode"], looseString),
    };
  }
  return {
    skuId,
    display: optional(record, ["display", "displayEn", "name"], looseString) ?? `SKU ${skuId}`,
    countryCode: optional(record, ["countryCode"], looseString) ?? null,
  };
}

/** getSkus: `data` is the documented list of SKUs. Unreadable rows are skipped and reported. */
export function readSkus(data: unknown, endpoint = "getSkus"): { skus: MioesimSku[]; skipped: Skipped[] } {
  if (!Array.isArray(data)) fail(endpoint, `data is ${data == null ? "missing" : "not a list"}`, data);
  const { items, skipped } = readEach(data, "data", (item, at) => readSku(item, endpoint, at, true));
  return { skus: items, skipped };
}

/** An undocumented SKU list, bare or wrapped; unreadable rows are skipped. */
export function readLooseSkus(data: unknown, endpoint: string): { skus: MioesimSku[]; skipped: Skipped[] } {
  const { items, skipped } = readEach(listAt(data, endpoint, "data", [...LIST_WRAPPERS, "skuList", "skus"]), "data", (item, at) =>
    readSku(item, endpoint, at, false),
  );
  return { skus: items, skipped };
}

export interface MioesimSkuGroup {
  name: string;
  skus: MioesimSku[];
}

/** getSkuByGroup (undocumented): groups, each a name and a SKU list. */
export function readSkuGroups(data: unknown): { groups: MioesimSkuGroup[]; skipped: Skipped[] } {
  const endpoint = "getSkuByGroup";
  const skipped: Skipped[] = [];
  const groups = listAt(data, endpoint, "data", [...LIST_WRAPPERS, "groups", "groupList"]).map((item, index) => {
    const at = `data[${index}]`;
    const group = recordAt(item, endpoint, at);
    const list = listAt(group, endpoint, `${at}.skuList`, ["skuList", "skus", ...LIST_WRAPPERS]);
    const read = readEach(list, `${at}.skuList`, (sku, skuAt) => readSku(sku, endpoint, skuAt, false));
    skipped.push(...read.skipped);
    return { name: optional(group, ["groupName", "name", "group"], looseString) ?? "", skus: read.items };
  });
  return { groups, skipped };
}

// ---- packages

export interface MioesimPackage {
  priceId: number;
  flows: number;
  unit: DataUnit;
  /** For a day pass this is the daily allowance. */
  dataMb: number;
  days: number;
  /** In the account's currency (see `minor`). */
  priceMinor: number;
  /** null when the answer does not say (renewal packages). */
  flowType: number | null;
  /** flowType 0 is the only renewable kind. */
  renewable: boolean;
  dayPass: boolean;
  apiCode: string | null;
  /** The package's cancellation policy text (`premark`), verbatim; null when absent. */
  cancellationPolicy: string | null;
  /** Only when `premark` positively permits it; see premarkAllowsCancellation. */
  cancellable: boolean;
}

/**
 * A package of getPackages (documented: priceid, flows, unit, days, price,
 * flowType required) or of getIccidSupportPackageInfo (undocumented; those
 * packages renew a card by definition, so flowType may be absent).
 */
function readPackage(value: unknown, endpoint: string, at: string, documented: boolean): MioesimPackage {
  const record = recordAt(value, endpoint, at);
  const need = <T>(field: string, read: (v: unknown) => T | undefined) =>
    required(PROVIDER, `MIOeSIM ${endpoint}`, record, `${at}.${field}`, [field], read);
  const flows = need("flows", looseNumber);
  const unit = need("unit", dataUnit);
  const flowType = documented ? need("flowType", integer) : (optional(record, ["flowType"], integer) ?? null);
  const premark = optional(record, ["premark"], looseString) ?? null;
  return {
    priceId: need("priceid", integer),
    flows,
    unit,
    dataMb: dataMb(flows, unit),
    days: need("days", integer),
    priceMinor: need("price", minor),
    flowType,
    renewable: flowType === null ? !documented : flowType === 0,
    dayPass: optional(record, ["supportDaypass"], integer) === 1,
    apiCode: optional(record, ["apiCode"], looseString) ?? null,
    cancellationPolicy: premark,
    cancellable: premarkAllowsCancellation(premark),
  };
}

export interface MioesimSkuPackages {
  skuId: number;
  display: string;
  packages: MioesimPackage[];
  /** Country names the SKU covers (`supportCountry`); empty when not given. */
  supportCountries: string[];
  /** Packages that could not be read: left out, not fatal. */
  skipped: Skipped[];
}

/** getPackages (documented): skuid, displayEn and esimPackageDtoList are required; a bad package is skipped. */
export function readPackages(data: unknown): MioesimSkuPackages {
  const endpoint = "getPackages";
  const record = recordAt(data, endpoint, "data");
  const list = pick(record, ["esimPackageDtoList"]);
  if (!Array.isArray(list)) fail(endpoint, `data.esimPackageDtoList is ${list === undefined ? "missing" : "not a list"}`, data);
  const { items, skipped } = readEach(list, "data.esimPackageDtoList", (item, at) => readPackage(item, endpoint, at, true));
  return {
    skuId: required(PROVIDER, `MIOeSIM ${endpoint}`, record, "data.skuid", ["skuid"], integer),
    display: required(PROVIDER, `MIOeSIM ${endpoint}`, record, "data.displayEn", ["displayEn"], looseString),
    packages: items,
    supportCountries: optional(record, ["supportCountry"], textList) ?? [],
    skipped,
  };
}

/** getIccidSupportPackageInfo (undocumented): the getPackages shape or a bare/wrapped package list. */
export function readLoosePackages(data: unknown, endpoint: string, fallback: { skuId: number }): MioesimSkuPackages {
  const record = isRecord(data) ? data : {};
  const list = listAt(data, endpoint, "data", ["esimPackageDtoList", "packageList", "packages", ...LIST_WRAPPERS]);
  const { items, skipped } = readEach(list, "data.packages", (item, at) => readPackage(item, endpoint, at, false));
  return {
    skuId: optional(record, ["skuid"], integer) ?? fallback.skuId,
    display: optional(record, ["displayEn", "display", "name"], looseString) ?? "",
    packages: items,
    supportCountries: optional(record, ["supportCountry", "supportCountries", "countries"], textList) ?? [],
    skipped,
  };
}

/**
 * `premark` is free text. The docs say cancellation needs the policy to
 * permit it and that some plans are non-refundable, but give no wording.
 * Safe reading: cancellable only when the text positively permits a
 * cancellation or refund and nothing in it refuses one; missing, empty or
 * unreadable text is not cancellable.
 */
const REFUSES = [
  /\bnon[\s-]?refundable\b/i,
  /\bun[\s-]?refundable\b/i,
  /\bnot\s+(?:be\s+)?refund(?:able|ed)\b/i,
  /\bno\s+refunds?\b/i,
  /\bnot\s+(?:be\s+)?(?:cancell?able|cancell?ed)\b/i,
  /\bno\s+cancell?ations?\b/i,
  /\b(?:cannot|can\s*not|can't|won't|will\s+not|may\s+not)\s+(?:be\s+)?(?:cancel|refund)/i,
  /\b(?:refunds?|cancell?ations?)\s+(?:is\s+|are\s+)?not\s+(?:allowed|permitted|supported|possible|available|accepted)\b/i,
];
const PERMITS = [
  /\brefundable\b/i,
  /\bcancell?able\b/i,
  /\b(?:can|may|could)\s+be\s+(?:fully\s+)?(?:cancell?ed|refunded)\b/i,
  /\b(?:full|partial)\s+refund\b/i,
  /\b(?:refunds?|cancell?ations?)\s+(?:is\s+|are\s+)?(?:allowed|permitted|supported|possible|available|accepted)\b/i,
];
export function premarkAllowsCancellation(premark: string | null | undefined): boolean {
  const text = typeof premark === "string" ? premark.trim() : "";
  if (!text) return false;
  if (REFUSES.some((pattern) => pattern.test(text))) return false;
  return PERMITS.some((pattern) => pattern.test(text));
}

// ---- orders and cards (field names documented in the order and card tables)

export interface MioesimCard {
  iccid: string;
  /** "LPA:1$<sm_dp_address>$<activationCode>"; null on physical SIMs or before allocation. */
  lpa: string | null;
  smdpAddress: string | null;
  activationCode: string | null;
  /** As sent, e.g. "2024-02-24(GMT+8)". */
  activateBefore: string | null;
  pdfUrl: string | null;
  apn: string | null;
  dpId: string | null;
  /** ACTIVE, Enable, Disable or Delete; null before the profile reaches a device. */
  dpStatus: string | null;
  startDate: string | null;
  endDate: string | null;
  eid: string | null;
  mobileNumber: string | null;
  usedMb: number | null;
  /** Our line-item reference, when MIOeSIM echoes it on the card. */
  otherItemId: string | null;
}

export interface MioesimOrder {
  orderNum: string;
  display: string | null;
  /** GMT+8 text, as sent. */
  purchaseDate: string | null;
  count: number | null;
  /** Total cost of the order, in the account's currency (see `minor`). */
  priceMinor: number | null;
  status: MioesimOrderStatus;
  isRenewal: boolean;
  mainOrderNum: string | null;
  renewOrderNums: string[];
  priceId: number | null;
  otherOrderId: string | null;
  otherItemId: string | null;
  /** Empty while unpaid (-1) or when the answer carries no card list. */
  cards: MioesimCard[];
}

const text = (record: LooseRecord, names: readonly string[]) => optional(record, names, looseString) ?? null;

function readCard(value: unknown, endpoint: string, at: string): MioesimCard {
  const record = recordAt(value, endpoint, at);
  return {
    iccid: required(PROVIDER, `MIOeSIM ${endpoint}`, record, `${at}.iccid`, ["iccid"], looseString),
    lpa: text(record, ["code"]),
    smdpAddress: text(record, ["sm_dp_address"]),
    activationCode: text(record, ["activationCode"]),
    activateBefore: text(record, ["activateBefore"]),
    pdfUrl: text(record, ["pdfUrl"]),
    apn: text(record, ["apn"]),
    dpId: text(record, ["dpId"]),
    dpStatus: text(record, ["dpStatus"]),
    startDate: text(record, ["startDate"]),
    endDate: text(record, ["endDate"]),
    eid: text(record, ["eid"]),
    mobileNumber: text(record, ["mobileNumber"]),
    usedMb: optional(record, ["usedMB"], looseNumber) ?? null,
    otherItemId: text(record, ["otherItemId"]),
  };
}

/** One order object (the order table's fields); orderNum and status are required, all else optional. */
export function readOrder(value: unknown, endpoint: string, at = "data"): MioesimOrder {
  const record = recordAt(value, endpoint, at);
  const need = <T>(field: string, read: (v: unknown) => T | undefined) =>
    required(PROVIDER, `MIOeSIM ${endpoint}`, record, `${at}.${field}`, [field], read);
  const cardList = pick(record, ["cardApiDtoList"]);
  const cards = cardList === undefined ? [] : listAt(cardList, endpoint, `${at}.cardApiDtoList`);
  return {
    orderNum: need("orderNum", looseString),
    display: text(record, ["display"]),
    purchaseDate: text(record, ["purchaseDate"]),
    count: optional(record, ["count"], integer) ?? null,
    priceMinor: optional(record, ["price"], minor) ?? null,
    status: need("status", orderStatus),
    isRenewal: optional(record, ["renew"], integer) === 1 || optional(record, ["renewal"], looseBoolean) === true,
    mainOrderNum: text(record, ["mainOrderNum"]),
    renewOrderNums: optional(record, ["renewOrderNum"], textList) ?? [],
    priceId: optional(record, ["priceId"], integer) ?? null,
    otherOrderId: text(record, ["otherOrderId"]),
    otherItemId: text(record, ["otherItemId"]),
    cards: cards.map((card, index) => readCard(card, endpoint, `${at}.cardApiDtoList[${index}]`)),
  };
}

/** How an order is looked up (see the ASSUMPTIONS in client.ts). */
export type OrderLookupKey = { orderNum: string } | { otherOrderId: string };

/**
 * getOrderInfo (undocumented answer): the order object, the order under a
 * wrapper ({order: …}), or a list of orders bare or wrapped. From a list,
 * only an order matching the key counts (the latest when several do), or a
 * lone order that does not say its otherOrderId. Null when the answer names
 * no matching order.
 */
export function readOrderLookup(data: unknown, key: OrderLookupKey): MioesimOrder | null {
  const endpoint = "getOrderInfo";
  if (isRecord(data) && pick(data, ["orderNum"]) !== undefined) return readOrder(data, endpoint);
  const wrapped = isRecord(data) ? pick(data, ["order", "orderInfo", "orderDetail"]) : undefined;
  if (isRecord(wrapped)) return readOrder(wrapped, endpoint, "data.order");
  const list = looseList(data, [...LIST_WRAPPERS, "orders", "orderList"]);
  if (!list) fail(endpoint, `data is neither an order nor a list of orders`, data);
  const orders = list.map((item, index) => readOrder(item, endpoint, `data[${index}]`));
  if ("orderNum" in key) return orders.filter((order) => order.orderNum === key.orderNum).at(-1) ?? null;
  // Only an order that echoes our reference is ours: an untagged one could be any order of the account.
  return orders.filter((order) => order.otherOrderId === key.otherOrderId).at(-1) ?? null;
}

/**
 * refundOrder (undocumented answer). `status` is the order status the
 * answer reports, or null when it reports none (data null, absent, true, or
 * an object without a status): the refund was accepted.
 */
export function readRefund(data: unknown): { status: MioesimOrderStatus | null } {
  const endpoint = "refundOrder";
  if (data === undefined || data === null || data === true || data === "") return { status: null };
  if (!isRecord(data)) {
    // "success", "ok", 1, "true": an acknowledgement. false / 0 / "false" contradict the success code.
    if (looseBoolean(data) !== false && (typeof data === "string" || data === 1)) return { status: null };
    fail(endpoint, `data is ${JSON.stringify(data)?.slice(0, 60)}, neither an order nor an acknowledgement`, data);
  }
  const order = isRecord(pick(data, ["order", "orderInfo"])) ? (pick(data, ["order", "orderInfo"]) as LooseRecord) : data;
  const raw = pick(order, ["status", "orderStatus"]);
  if (raw === undefined) return { status: null };
  const status = orderStatus(raw);
  if (status === undefined)
    fail(
      endpoint,
      `data.status is unreadable (${JSON.stringify(raw).slice(0, 40)}; documented statuses are ${ORDER_STATUSES.join(", ")})`,
      data,
    );
  return { status };
}

// ---- stock (verifyResource, undocumented answer)

const STOCK_FLAGS = ["available", "enough", "sufficient", "isEnough", "hasStock", "isAvailable", "inStock"] as const;
const STOCK_COUNTS = ["stock", "inventory", "quantity", "count", "stockCount", "availableCount", "remaining"] as const;

/** What a verifyResource answer says: enough, short, or nothing readable either way. */
export interface StockAnswer {
  stock: "enough" | "short" | "unreadable";
  detail: string;
}

/**
 * A successful verifyResource answer (its shape is undocumented), read
 * fail-closed: no payload (null, absent, true) is the success code's own
 * "request succeeded", so enough; false, a false flag or a stock number
 * below `count` is short; a true flag or a number at least `count` is
 * enough; any other shape is unreadable, never "enough".
 */
export function readStock(data: unknown, count: number): StockAnswer {
  const shown = JSON.stringify(data ?? null).slice(0, 120);
  const stock = (n: number): StockAnswer =>
    n >= count
      ? { stock: "enough", detail: `stock ${n} ≥ ${count}` }
      : { stock: "short", detail: `MIOeSIM reports ${n} in stock, ${count} wanted` };
  const unreadable: StockAnswer = {
    stock: "unreadable",
    detail: `MIOeSIM verifyResource answered ${shown}, which says neither enough nor short (its answer is undocumented)`,
  };
  if (data === undefined || data === null || data === true) return { stock: "enough", detail: `MIOeSIM verifyResource answered ${shown}` };
  if (data === false) return { stock: "short", detail: "MIOeSIM verifyResource answered false" };
  const bare = typeof data === "number" || typeof data === "string" ? looseNumber(data) : undefined;
  if (bare !== undefined) return stock(bare);
  if (typeof data === "string") {
    const flag = looseBoolean(data);
    if (flag === false) return { stock: "short", detail: `MIOeSIM verifyResource answered "${data}"` };
    return flag === true ? { stock: "enough", detail: `MIOeSIM verifyResource answered "${data}"` } : unreadable;
  }
  if (isRecord(data)) {
    for (const name of STOCK_FLAGS) {
      const raw = pick(data, [name]);
      if (raw !== undefined && looseBoolean(raw) === false) return { stock: "short", detail: `MIOeSIM verifyResource answered ${shown}` };
    }
    const n = optional(data, STOCK_COUNTS, looseNumber);
    if (n !== undefined) return stock(n);
    if (STOCK_FLAGS.some((name) => looseBoolean(pick(data, [name])) === true))
      return { stock: "enough", detail: `MIOeSIM verifyResource answered ${shown}` };
  }
  return unreadable;
}

// ---- card status and history (undocumented answers)

export interface MioesimCardStatus {
  iccid: string;
  dpStatus: string | null;
  startDate: string | null;
  endDate: string | null;
  eid: string | null;
  mobileNumber: string | null;
  orderNum: string | null;
  /** null when the answer does not say. */
  usedMb: number | null;
  /** null when MIOeSIM does not say (unlimited or unknown). */
  remainingMb: number | null;
  totalMb: number | null;
}

function readCardStatus(value: unknown, endpoint: string, at: string): MioesimCardStatus {
  const record = recordAt(value, endpoint, at);
  const mb = (names: readonly string[]) => optional(record, names, looseNumber) ?? null;
  return {
    iccid: required(PROVIDER, `MIOeSIM ${endpoint}`, record, `${at}.iccid`, ["iccid"], looseString),
    dpStatus: text(record, ["dpStatus", "cardStatus"]),
    startDate: text(record, ["startDate", "startTime"]),
    endDate: text(record, ["endDate", "endTime", "expireDate"]),
    eid: text(record, ["eid"]),
    mobileNumber: text(record, ["mobileNumber"]),
    orderNum: text(record, ["orderNum"]),
    usedMb: mb(["usedMB", "usedFlow", "used"]),
    remainingMb: mb(["remainingMB", "remainMB", "remainingFlow", "remainFlow", "surplusFlow", "remaining"]),
    totalMb: mb(["totalMB", "totalFlow"]),
  };
}

/** getESIMDetail: one card record, bare or under a wrapper (or a list of one). */
export function readEsimDetail(data: unknown): MioesimCardStatus {
  const endpoint = "getESIMDetail";
  if (isRecord(data) && pick(data, ["iccid"]) !== undefined) return readCardStatus(data, endpoint, "data");
  const list = looseList(data, [...LIST_WRAPPERS, "detail", "cards"]);
  if (list && list.length > 0) return readCardStatus(list[0], endpoint, "data[0]");
  const inner = isRecord(data) ? pick(data, ["detail", "card", "esim", "info"]) : undefined;
  return readCardStatus(inner ?? data, endpoint, "data");
}

/** queryIccidInformation: card records, bare or wrapped; an unreadable one is skipped. */
export function readCardStatuses(data: unknown): { cards: MioesimCardStatus[]; skipped: Skipped[] } {
  const endpoint = "queryIccidInformation";
  if (data === null || data === undefined) return { cards: [], skipped: [] };
  const { items, skipped } = readEach(listAt(data, endpoint, "data", [...LIST_WRAPPERS, "cards", "iccidList"]), "data", (item, at) =>
    readCardStatus(item, endpoint, at),
  );
  return { cards: items, skipped };
}

export interface MioesimHistoryRecord {
  orderNum: string | null;
  skuId: number | null;
  priceId: number | null;
  display: string | null;
  dataMb: number | null;
  days: number | null;
  usedMb: number | null;
  startDate: string | null;
  endDate: string | null;
  status: MioesimOrderStatus | null;
}

/** getHistoryDetail: plan records, bare or wrapped; every field optional. */
export function readHistory(data: unknown): MioesimHistoryRecord[] {
  const endpoint = "getHistoryDetail";
  if (data === null || data === undefined) return [];
  return listAt(data, endpoint, "data", [...LIST_WRAPPERS, "history", "historyList"]).map((item, index) => {
    const record = recordAt(item, endpoint, `data[${index}]`);
    const flows = optional(record, ["flows"], looseNumber);
    const unit = optional(record, ["unit"], dataUnit);
    return {
      orderNum: text(record, ["orderNum"]),
      skuId: optional(record, ["skuId"], integer) ?? null,
      priceId: optional(record, ["priceId"], integer) ?? null,
      display: text(record, ["display", "displayEn"]),
      dataMb: flows !== undefined && unit !== undefined ? dataMb(flows, unit) : null,
      days: optional(record, ["days"], integer) ?? null,
      usedMb: optional(record, ["usedMB"], looseNumber) ?? null,
      startDate: text(record, ["startDate"]),
      endDate: text(record, ["endDate"]),
      status: optional(record, ["status"], orderStatus) ?? null,
    };
  });
}

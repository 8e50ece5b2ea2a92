/**
 * How the simulated MIOeSIM words its answers. The documents fix some
 * answers exactly (the envelope, login, getSkus, getPackages, addEsimOrder,
 * the order and card fields, the order statuses, the error codes) and leave
 * the rest unshown; a real service that honours the documents may answer
 * the unshown ones in any form. The dialects keep our client honest:
 *
 * - "friendly" (default): the simulator as it always was, including the
 *   order look-up GET /api_esim/getOrderInfo, which the docs do not name.
 * - "strict": ONLY what the docs say. getOrderInfo answers HTTP 404.
 *   Documented answers carry exactly the fields of the docs' examples (no
 *   count, price, otherOrderId…; packages keep `premark`, which the docs
 *   name in prose). Where the docs show no answer, strict adds nothing of
 *   its own: verifyResource answers the bare success envelope (code 0, data
 *   null) whatever the stock, since the docs say no more than that it
 *   "confirms" inventory (a shortage shows where the docs' words reach: the
 *   order fails with -3, "the operation could not be completed");
 *   refundOrder answers the order, in the example's fields, with the status
 *   the docs give it: the API "cancels the order", so 2 (or 4 for some
 *   cards), at once.
 * - "alternative": a different service that still fits the docs. Success is
 *   the integer 0; documented answers keep their documented names (premark
 *   worded differently); undocumented answers come with PascalCase keys,
 *   numbers as strings and lists wrapped in an object: verifyResource
 *   {"Stock": "12"}, refundOrder the order still "in process" (status "6"),
 *   getOrderInfo kept, answering {"Records": [order]}.
 *
 * Variant dialects: strict, but for one loose point the documents leave
 * open, so that each can be tested on its own (MIOESIM_VARIANT_DIALECTS).
 * The write faults strike addEsimOrder and refundOrder after MIOeSIM has
 * acted on them.
 */
import { WIRE_FAULTS, type WireFault } from "../shared/wire-faults";
import { NON_REFUNDABLE_NOTE } from "./catalog";
import { SimApiError } from "./state";

export const MIOESIM_BASE_DIALECTS = ["friendly", "strict", "alternative"] as const;

/**
 * One loose point each, over strict:
 * - `stock-code`: verifyResource says a shortage with -3 and answers data
 *   null when stock suffices (what the client first guessed);
 * - `refund-ack`: refundOrder answers data null, no status (the client's first guess);
 * - `refund-in-process`: refundOrder answers the order in status 6 (or 7),
 *   which settles to 2 (or 4) only after `refundSettleMs`;
 * - `late-history`: the writes' answers are lost, and getOrderInfo (served,
 *   as in friendly) answers code 3 "does not exist" for an order until
 *   `lateHistoryMs` after it was made;
 * - `unlisted-code`: the writes are made, then answered with code 1001, a
 *   code the docs do not list; `stock-unlisted-code`: verifyResource
 *   answers 1001;
 * - `unknown-status`: the writes answer the order in status 9, a status the
 *   docs do not list;
 * - `missing-fields`: the writes answer code 0 with an order that has no
 *   orderNum, status or cards (refundOrder: an empty object);
 * - the wire faults (`lost-answer`, `malformed-json`, `html-error`,
 *   `huge-body`, `slow-answer`, see ../shared/wire-faults) on the writes.
 */
export const MIOESIM_VARIANT_DIALECTS = [
  "stock-code",
  "refund-ack",
  "refund-in-process",
  "late-history",
  "unlisted-code",
  "stock-unlisted-code",
  "unknown-status",
  "missing-fields",
  ...WIRE_FAULTS,
] as const;

export const MIOESIM_DIALECTS = [...MIOESIM_BASE_DIALECTS, ...MIOESIM_VARIANT_DIALECTS] as const;
export type MioesimDialect = (typeof MIOESIM_DIALECTS)[number];
export type MioesimVariantDialect = (typeof MIOESIM_VARIANT_DIALECTS)[number];

/** The dialect named by MIOESIM_SIM_DIALECT; friendly when unset. */
export function parseDialect(value: string | undefined): MioesimDialect {
  const name = value?.trim() || "friendly";
  if (!(MIOESIM_DIALECTS as readonly string[]).includes(name)) {
    throw new Error(`MIOESIM_SIM_DIALECT must be one of ${MIOESIM_DIALECTS.join(", ")}; got "${value}"`);
  }
  return name as MioesimDialect;
}

type Row = Record<string, unknown>;

/** Turns canonical rows (the friendly wire form the state builds) into one dialect's answers. */
export interface DialectForms {
  /** `code` of a successful envelope (login always answers 1). */
  successCode: number | string;
  /** Whether GET /api_esim/getOrderInfo exists. */
  orderLookup: boolean;
  /** Whether a refund settles (2/4) before refundOrder answers, or stays in process (6/7) for refundSettleMs. */
  refundSettlesAtOnce: boolean;
  /** A late-history look-up: getOrderInfo says "does not exist" (3) for an order younger than lateHistoryMs. */
  lateHistory?: boolean;
  /** Made, then answered with a code the docs do not list. */
  unlistedWriteCode?: boolean;
  /** What happens to the answer of a write that MIOeSIM has made. */
  writeFault?: WireFault;
  skus(rows: Row[]): unknown;
  packages(row: Row): unknown;
  order(row: Row): unknown;
  skuGroups(groups: Array<{ groupName: string; skuList: Row[] }>): unknown;
  dpSkus(rows: Row[]): unknown;
  iccidSkus(rows: Row[]): unknown;
  iccidPackages(row: Row): unknown;
  /** May throw SimApiError: a dialect may say "not enough" with a code. */
  stock(result: { stock: number; enough: boolean }): unknown;
  refund(order: Row): unknown;
  lookup(order: Row): unknown;
  esimDetail(row: Row): unknown;
  iccidStatuses(rows: Row[]): unknown;
  history(rows: Row[]): unknown;
}

const same = <T>(value: T) => value;

const FRIENDLY: DialectForms = {
  successCode: "0",
  orderLookup: true,
  refundSettlesAtOnce: false,
  skus: same,
  packages: same,
  order: same,
  skuGroups: same,
  dpSkus: same,
  iccidSkus: same,
  iccidPackages: same,
  stock: ({ enough }) => ({ available: enough }),
  refund: same,
  lookup: same,
  esimDetail: same,
  iccidStatuses: same,
  history: same,
};

/** The fields of the docs' examples, and no others. */
const EXAMPLE_ORDER_FIELDS = ["orderNum", "display", "status", "cardApiDtoList"];
const EXAMPLE_CARD_FIELDS = ["iccid", "sm_dp_address", "activationCode", "code", "activateBefore", "data", "validity", "pdfUrl", "apn"];
/** The card table's fields that it says are "present on physical SIM orders" (dpStatus is the card's status). */
const PHYSICAL_CARD_FIELDS = [...EXAMPLE_CARD_FIELDS, "dpId", "dpStatus"];
const EXAMPLE_PACKAGES_FIELDS = ["skuid", "displayEn", "esimPackageDtoList", "supportCountry"];
/** The example's package fields, plus `premark`, which the cancellation section names as "the premark field of the package". */
const EXAMPLE_PACKAGE_FIELDS = ["flows", "days", "unit", "price", "priceid", "flowType", "supportDaypass", "apiCode", "premark"];

function only(row: Row, fields: readonly string[]): Row {
  return Object.fromEntries(fields.filter((field) => field in row).map((field) => [field, row[field]]));
}

function strictOrder(row: Row): Row {
  const cards = row.cardApiDtoList as Row[] | undefined;
  return {
    ...only(row, EXAMPLE_ORDER_FIELDS),
    ...(cards ? { cardApiDtoList: cards.map((card) => only(card, card.dpId ? PHYSICAL_CARD_FIELDS : EXAMPLE_CARD_FIELDS)) } : {}),
  };
}

const STRICT: DialectForms = {
  ...FRIENDLY,
  orderLookup: false,
  packages: (row) => ({
    ...only(row, EXAMPLE_PACKAGES_FIELDS),
    esimPackageDtoList: (row.esimPackageDtoList as Row[]).map((pkg) => only(pkg, EXAMPLE_PACKAGE_FIELDS)),
  }),
  order: strictOrder,
  refundSettlesAtOnce: true,
  stock: () => null,
  refund: (row) => strictOrder(row),
};

function pascalKey(key: string): string {
  return key
    .split("_")
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
}

/** PascalCase keys and numbers as strings, all the way down. */
export function alternativeForm(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(alternativeForm);
  if (typeof value === "number") return String(value);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [pascalKey(key), alternativeForm(inner)]));
  }
  return value;
}

const ALTERNATIVE_REFUNDABLE = "Refundable if not activated.";
const ALTERNATIVE_NON_REFUNDABLE = "No refund once purchased.";

const ALTERNATIVE: DialectForms = {
  ...FRIENDLY,
  successCode: 0,
  packages: (row) => ({
    ...row,
    esimPackageDtoList: (row.esimPackageDtoList as Row[]).map((pkg) => ({
      ...pkg,
      premark: pkg.premark === NON_REFUNDABLE_NOTE ? ALTERNATIVE_NON_REFUNDABLE : ALTERNATIVE_REFUNDABLE,
    })),
  }),
  skuGroups: (groups) => ({ Groups: alternativeForm(groups) }),
  dpSkus: (rows) => ({ List: alternativeForm(rows) }),
  iccidSkus: (rows) => ({ Records: alternativeForm(rows) }),
  iccidPackages: (row) => {
    const { esimPackageDtoList, ...rest } = row;
    return { ...(alternativeForm(rest) as Row), PackageList: alternativeForm(esimPackageDtoList) };
  },
  stock: ({ stock }) => ({ Stock: String(stock) }),
  refund: (order) => alternativeForm(order),
  lookup: (order) => ({ Records: [alternativeForm(order)] }),
  esimDetail: (row) => alternativeForm(row),
  iccidStatuses: (rows) => ({ Rows: alternativeForm(rows) }),
  history: (rows) => ({ Items: alternativeForm(rows) }),
};

/** A code the docs' table does not list. */
export const UNLISTED_CODE = 1001;
/** An order status the docs' lifecycle does not list. */
export const UNKNOWN_STATUS = 9;

const wire = (writeFault: WireFault): DialectForms => ({ ...STRICT, writeFault });

const VARIANTS: Record<MioesimVariantDialect, DialectForms> = {
  "stock-code": {
    ...STRICT,
    stock: ({ enough }) => {
      if (!enough) throw new SimApiError(-3, "Insufficient card inventory for this package");
      return null;
    },
  },
  "refund-ack": { ...STRICT, refund: () => null },
  "refund-in-process": { ...STRICT, refundSettlesAtOnce: false },
  "late-history": { ...STRICT, orderLookup: true, lateHistory: true, writeFault: "lost-answer" },
  "unlisted-code": { ...STRICT, unlistedWriteCode: true },
  "stock-unlisted-code": {
    ...STRICT,
    stock: () => {
      throw new SimApiError(UNLISTED_CODE, "System busy, please try again later");
    },
  },
  "unknown-status": {
    ...STRICT,
    order: (row) => strictOrder({ ...row, status: UNKNOWN_STATUS }),
    refund: (row) => strictOrder({ ...row, status: UNKNOWN_STATUS }),
  },
  "missing-fields": { ...STRICT, order: (row) => only(row, ["display"]), refund: () => ({}) },
  ...(Object.fromEntries(WIRE_FAULTS.map((fault) => [fault, wire(fault)])) as Record<WireFault, DialectForms>),
};

export const DIALECT_FORMS: Record<MioesimDialect, DialectForms> = {
  friendly: FRIENDLY,
  strict: STRICT,
  alternative: ALTERNATIVE,
  ...VARIANTS,
};

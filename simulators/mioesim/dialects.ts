/**
 * How the simulated MIOeSIM words its answers. The documents fix some
 * answers exactly (the envelope, login, getSkus, getPackages, addEsimOrder)
 * and leave the rest unshown; a real service that honours the documents may
 * answer the unshown ones in any form. Three dialects keep our client
 * honest about that:
 *
 * - "friendly" (default): the simulator as it always was, including the
 *   order look-up GET /api_esim/getOrderInfo, which the docs do not name.
 * - "strict": ONLY the endpoints the docs name; getOrderInfo answers HTTP
 *   404. Documented answers carry exactly the fields of the docs' examples
 *   (no count, price, otherOrderId…; packages keep `premark`, which the
 *   docs name in prose); undocumented ones take one
 *   natural form: verifyResource data null when stock suffices and -3 when
 *   short, refundOrder data null.
 * - "alternative": a different service that still fits the docs. Success is
 *   the integer 0; documented answers keep their documented names (premark
 *   worded differently); undocumented answers come with PascalCase keys,
 *   numbers as strings and lists wrapped in an object: verifyResource
 *   {"Stock": "12"}, refundOrder the order still "in process" (status "6"),
 *   getOrderInfo kept, answering {"Records": [order]}.
 */
import { NON_REFUNDABLE_NOTE } from "./catalog";
import { SimApiError } from "./state";

export const MIOESIM_DIALECTS = ["friendly", "strict", "alternative"] as const;
export type MioesimDialect = (typeof MIOESIM_DIALECTS)[number];

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

const STRICT: DialectForms = {
  ...FRIENDLY,
  orderLookup: false,
  packages: (row) => ({
    ...only(row, EXAMPLE_PACKAGES_FIELDS),
    esimPackageDtoList: (row.esimPackageDtoList as Row[]).map((pkg) => only(pkg, EXAMPLE_PACKAGE_FIELDS)),
  }),
  order: (row) => {
    const cards = row.cardApiDtoList as Row[] | undefined;
    return {
      ...only(row, EXAMPLE_ORDER_FIELDS),
      ...(cards ? { cardApiDtoList: cards.map((card) => only(card, card.dpId ? PHYSICAL_CARD_FIELDS : EXAMPLE_CARD_FIELDS)) } : {}),
    };
  },
  stock: ({ enough }) => {
    if (!enough) throw new SimApiError(-3, "Insufficient card inventory for this package");
    return null;
  },
  refund: () => null,
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

export const DIALECT_FORMS: Record<MioesimDialect, DialectForms> = { friendly: FRIENDLY, strict: STRICT, alternative: ALTERNATIVE };

/**
 * Validators for MIOeSIM responses, each turning the wire shape (lower-case
 * `skuid`/`priceid`, snake-case `sm_dp_address`, numbers that sometimes
 * arrive as strings) into a typed domain object. Unknown extra fields are
 * ignored; a missing required field fails with a ProviderResponseError that
 * names it.
 */
import { z } from "zod";
import { ProviderResponseError } from "../errors";
import { toMinorUnits } from "../http";
import type { Money } from "../types";

/** Prices are quoted in US dollars; the docs name no other currency. */
export const MIOESIM_CURRENCY = "USD";

const numeric = z.union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/)]);
const decimal = numeric.transform(Number);
const integer = decimal.pipe(z.number().int());
/** Identifiers and texts that some endpoints send as JSON numbers. */
const text = z.union([z.string(), z.number()]).transform(String);
const optionalText = text.nullish().transform((value) => (value === undefined || value === null || value === "" ? null : value));
const usd = numeric.transform((amount): Money => ({ amountMinor: toMinorUnits(amount), currency: MIOESIM_CURRENCY }));

const MB_PER_UNIT = { MB: 1, GB: 1024, TB: 1024 * 1024 } as const;
const dataUnit = z
  .string()
  .transform((unit) => unit.trim().toUpperCase())
  .pipe(z.enum(["MB", "GB", "TB"]));

/** Converts a `flows` + `unit` pair to MB (1 GB = 1024 MB, as MIOeSIM's usage counters count). */
export function dataMb(flows: number, unit: keyof typeof MB_PER_UNIT): number {
  return Math.round(flows * MB_PER_UNIT[unit]);
}

export const ORDER_STATUSES = [-1, 0, 2, 3, 4, 5, 6, 7] as const;
export type MioesimOrderStatus = (typeof ORDER_STATUSES)[number];
const orderStatus = integer.pipe(z.literal(ORDER_STATUSES));

export const envelopeSchema = z.object({
  code: integer,
  message: z.string().nullish(),
  data: z.unknown(),
});

export const loginSchema = z.object({ token: z.string().min(1) });

const skuSchema = z
  .object({ skuid: integer, display: z.string(), countryCode: text })
  .transform((sku) => ({ skuId: sku.skuid, display: sku.display, countryCode: sku.countryCode }));
export type MioesimSku = z.output<typeof skuSchema>;
export const skuListSchema = z.array(skuSchema);

export const skuGroupListSchema = z.array(
  z.object({ groupName: z.string(), skuList: skuListSchema }).transform((group) => ({ name: group.groupName, skus: group.skuList })),
);
export type MioesimSkuGroup = z.output<typeof skuGroupListSchema>[number];

/**
 * `premark` is free text. The docs only say some plans are "non-refundable
 * after purchase"; any wording that says so (or forbids cancelling) is read
 * as a refusal, anything else — including no text — as permission.
 */
const NO_CANCELLATION = /non[\s-]?refundable|not\s+refundable|no\s+refunds?|cannot\s+be\s+(cancel|refund)|not\s+(cancellable|cancelable)/i;
export function premarkAllowsCancellation(premark: string | null): boolean {
  return premark === null || !NO_CANCELLATION.test(premark);
}

const packageSchema = z
  .object({
    priceid: integer,
    flows: decimal,
    unit: dataUnit,
    days: integer,
    price: usd,
    flowType: integer,
    supportDaypass: integer.nullish(),
    apiCode: optionalText,
    premark: optionalText,
  })
  .transform((p) => ({
    priceId: p.priceid,
    flows: p.flows,
    unit: p.unit,
    /** For a day pass this is the daily allowance. */
    dataMb: dataMb(p.flows, p.unit),
    days: p.days,
    price: p.price,
    flowType: p.flowType,
    /** flowType 0 is the only renewable kind. */
    renewable: p.flowType === 0,
    dayPass: p.supportDaypass === 1,
    apiCode: p.apiCode,
    cancellationPolicy: p.premark,
    cancellable: premarkAllowsCancellation(p.premark),
  }));
export type MioesimPackage = z.output<typeof packageSchema>;

export const skuPackagesSchema = z
  .object({
    skuid: integer,
    displayEn: z.string(),
    esimPackageDtoList: z.array(packageSchema),
    supportCountry: z.array(z.string()).nullish(),
  })
  .transform((sku) => ({
    skuId: sku.skuid,
    display: sku.displayEn,
    packages: sku.esimPackageDtoList,
    supportCountries: sku.supportCountry ?? [],
  }));
export type MioesimSkuPackages = z.output<typeof skuPackagesSchema>;

export const verifyResourceSchema = z.object({ available: z.boolean() });

/** Fields every card record carries, in orders and in status queries alike. */
const cardStateShape = {
  iccid: text,
  dpStatus: optionalText,
  startDate: optionalText,
  endDate: optionalText,
  eid: optionalText,
  mobileNumber: optionalText,
};

function cardState(card: z.output<z.ZodObject<typeof cardStateShape>>) {
  return {
    iccid: card.iccid,
    /** ACTIVE, Enable, Disable or Delete; null before the profile reaches a device. */
    dpStatus: card.dpStatus,
    /** GMT+8 text, as sent. */
    startDate: card.startDate,
    endDate: card.endDate,
    eid: card.eid,
    mobileNumber: card.mobileNumber,
  };
}

const cardSchema = z
  .object({
    ...cardStateShape,
    code: optionalText,
    sm_dp_address: optionalText,
    activationCode: optionalText,
    activateBefore: optionalText,
    pdfUrl: optionalText,
    apn: optionalText,
    dpId: optionalText,
    usedMB: decimal.nullish(),
    otherItemId: optionalText,
  })
  .transform((card) => ({
    ...cardState(card),
    /** "LPA:1$<sm_dp_address>$<activationCode>"; null on physical SIMs. */
    lpa: card.code,
    smdpAddress: card.sm_dp_address,
    activationCode: card.activationCode,
    /** As sent, e.g. "2024-02-24(GMT+8)". */
    activateBefore: card.activateBefore,
    pdfUrl: card.pdfUrl,
    apn: card.apn,
    dpId: card.dpId,
    usedMb: card.usedMB ?? null,
    otherItemId: card.otherItemId,
  }));
export type MioesimCard = z.output<typeof cardSchema>;

export const orderSchema = z
  .object({
    orderNum: text,
    display: optionalText,
    purchaseDate: optionalText,
    count: integer.nullish(),
    price: usd.nullish(),
    status: orderStatus,
    renewal: z.boolean().nullish(),
    renew: integer.nullish(),
    mainOrderNum: optionalText,
    renewOrderNum: z.union([z.array(text), z.string().transform((list) => list.split(",").filter(Boolean))]).nullish(),
    priceId: integer.nullish(),
    otherOrderId: optionalText,
    otherItemId: optionalText,
    cardApiDtoList: z.array(cardSchema).nullish(),
  })
  .transform((order) => ({
    orderNum: order.orderNum,
    display: order.display,
    /** GMT+8 text, as sent. */
    purchaseDate: order.purchaseDate,
    count: order.count ?? null,
    price: order.price ?? null,
    status: order.status,
    isRenewal: order.renew === 1 || order.renewal === true,
    mainOrderNum: order.mainOrderNum,
    renewOrderNums: order.renewOrderNum ?? [],
    priceId: order.priceId ?? null,
    otherOrderId: order.otherOrderId,
    otherItemId: order.otherItemId,
    cards: order.cardApiDtoList ?? [],
  }));
export type MioesimOrder = z.output<typeof orderSchema>;

export const cardStatusSchema = z
  .object({
    ...cardStateShape,
    usedMB: decimal,
    remainingMB: decimal.nullish(),
    orderNum: optionalText,
  })
  .transform((card) => ({
    ...cardState(card),
    usedMb: card.usedMB,
    /** null when MIOeSIM does not say (unlimited or unknown). */
    remainingMb: card.remainingMB ?? null,
    orderNum: card.orderNum,
  }));
export type MioesimCardStatus = z.output<typeof cardStatusSchema>;
export const cardStatusListSchema = z.array(cardStatusSchema);

export const historyListSchema = z.array(
  z
    .object({
      orderNum: text,
      skuId: integer.nullish(),
      priceId: integer.nullish(),
      display: optionalText,
      flows: decimal,
      unit: dataUnit,
      days: integer,
      usedMB: decimal.nullish(),
      startDate: optionalText,
      endDate: optionalText,
      status: orderStatus,
    })
    .transform((record) => ({
      orderNum: record.orderNum,
      skuId: record.skuId ?? null,
      priceId: record.priceId ?? null,
      display: record.display,
      dataMb: dataMb(record.flows, record.unit),
      days: record.days,
      usedMb: record.usedMB ?? null,
      startDate: record.startDate,
      endDate: record.endDate,
      status: record.status,
    })),
);
export type MioesimHistoryRecord = z.output<typeof historyListSchema>[number];

/**
 * Validates `data` of a successful response. The error names the first bad
 * field by its path, e.g. `data.cardApiDtoList.0.iccid is missing`.
 */
export function parseData<S extends z.ZodType>(schema: S, data: unknown, endpoint: string): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path ?? [];
  const field = ["data", ...path.map(String)].join(".");
  const problem = valueAt(data, path) == null ? "is missing" : `is invalid (${issue?.message ?? "unexpected value"})`;
  throw new ProviderResponseError("mioesim", `MIOeSIM ${endpoint} response: ${field} ${problem}`, result.error);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * How the simulator words the answers MeiSIM's document leaves loose
 * (bundles, countries, the order answer beyond Status/Iccid/QrCode, eSIM
 * details, revoke, top-up networks/confirm/recharge, portal login, SKU
 * lists, resend-email, replace). The documented answers (me, orders,
 * wallet, statement, Stripe top-ups, /dealer/order, verification, supply,
 * validator, dealer auth, errors) are the same in every dialect.
 *
 * - friendly: the shapes the store was first written against (the demo's
 *   default): PascalCase upstream style with `Status: "Success"`, rich extras
 *   (OrderId, Price, QrCode in details, coverage on every bundle).
 * - strict: only what the document's words promise, in one natural form:
 *   bare lists, camelCase named after the request fields, no coverage or
 *   description on bundles, the order answer exactly {Status, Iccid, QrCode},
 *   details without an LPA, no 402 figures outside /dealer/esim-verify.
 * - alternative: the same words in another form: other key cases
 *   (snake_case, PascalCase), `{data:{items:[…]}}` wrappers, numbers as
 *   strings, "5GB"/"30 days" text, countries by name only, a QR image URL
 *   with the LPA in separate fields, the LPA in details under another name,
 *   an empty 204 for revoke.
 */
import type { SimBundle, SimCountry, SimNetwork, SimSku } from "./catalog";
import { Raw } from "./router";
import { isVariant, MEISIM_VARIANT_DIALECTS } from "./variants";
import { usd } from "./sim-error";
import type { OrderRecord, SimEsim } from "./state";

export const MEISIM_BASE_DIALECTS = ["friendly", "strict", "alternative"] as const;
export type MeisimBaseDialect = (typeof MEISIM_BASE_DIALECTS)[number];
/** The three, then the variants: strict but for one loose point (./variants). */
export const MEISIM_DIALECTS = [...MEISIM_BASE_DIALECTS, ...MEISIM_VARIANT_DIALECTS] as const;
export type MeisimDialect = (typeof MEISIM_DIALECTS)[number];

export function isMeisimDialect(value: string): value is MeisimDialect {
  return (MEISIM_DIALECTS as readonly string[]).includes(value);
}

/** The dialect whose words a dialect uses: a variant answers in strict's. */
export function baseDialect(dialect: MeisimDialect): MeisimBaseDialect {
  return isVariant(dialect) ? "strict" : dialect;
}

export interface PricedBundle {
  bundle: SimBundle;
  /** The dealer's price (markup included). */
  priceCents: number;
}

export interface EsimView {
  esim: SimEsim;
  activatedAt: string | null;
  expiresAt: string | null;
}

export interface MeisimViews {
  countries(list: readonly SimCountry[]): object;
  bundles(page: { items: PricedBundle[]; pageNumber: number; pageSize: number; total: number }): object;
  order(placed: {
    order: OrderRecord;
    esim: SimEsim;
    bundle: SimBundle;
    priceCents: number;
    customerReference: string | undefined;
    origin: string;
    /** The QrCode field in the form the test asked for (./qr-forms); the LPA text by default. */
    qrCode: string;
  }): object;
  details(view: EsimView): object;
  revoke(esim: SimEsim): object | Raw;
  networks(list: readonly SimNetwork[]): object;
  confirm(target: { network: SimNetwork; contactNumber: string | undefined; simSerialNumber: string | undefined }): object;
  recharge(done: { transactionId: string; network: SimNetwork; topUpValue: number; chargedCents: number }): object;
  skus(list: readonly SimSku[]): object;
  portalLogin(session: { token: string; expiresAt: string }, user: { id: string; email: string }): object;
  resend(done: { sentTo: string; feeCents: number; balanceCents: number }): object;
  replace(done: { order: OrderRecord; balanceCents: number }): object;
}

/** Upstream-format answers wrap their fields with `Status: "Success"`. */
const success = <T extends object>(fields: T) => ({ Status: "Success", ...fields });

const dollars = (cents: number) => usd(cents).toFixed(2);

const dealerOrderJson = (order: OrderRecord, balanceCents: number) => ({
  ok: true,
  orderId: order.id,
  shortId: order.shortId,
  unitPriceUsd: usd(order.unitPriceCents),
  totalUsd: usd(order.amountCents),
  newBalance: usd(balanceCents),
});

const friendly: MeisimViews = {
  countries: (list) => success({ Countries: list.map((c) => ({ CountryISO: c.iso, CountryName: c.name, Region: c.region })) }),
  bundles: ({ items, pageNumber, pageSize, total }) =>
    success({
      PageNumber: pageNumber,
      PageSize: pageSize,
      TotalCount: total,
      Bundles: items.map(({ bundle: b, priceCents }) => ({
        Name: b.name,
        Description: b.description,
        DataMb: b.dataMb,
        ValidityDays: b.validityDays,
        Price: usd(priceCents),
        Currency: "USD",
        Countries: b.countries.map((c) => ({ CountryISO: c.iso, CountryName: c.name })),
        Region: b.region,
        DayPass: b.dayPass,
      })),
    }),
  order: ({ order, esim, bundle, priceCents, customerReference, qrCode }) =>
    success({
      OrderId: order.id,
      Iccid: esim.iccid,
      QrCode: qrCode,
      SmdpAddress: esim.smdpAddress,
      MatchingId: esim.matchingId,
      BundleName: bundle.name,
      CustomerReference: customerReference ?? null,
      Price: usd(priceCents),
      Currency: "USD",
    }),
  details: ({ esim, activatedAt, expiresAt }) =>
    success({
      Iccid: esim.iccid,
      State: esim.state,
      DataUsedMb: esim.usedMb,
      DataAllowanceMb: esim.dataMb,
      ActivatedAt: activatedAt,
      ExpiresAt: expiresAt,
      BundleName: esim.bundleName,
      QrCode: esim.lpa,
    }),
  revoke: (esim) => success({ Iccid: esim.iccid, Revoked: true }),
  networks: (list) =>
    success({
      Networks: list.map((n) => ({
        NetworkName: n.name,
        Country: n.country,
        Currency: n.currency,
        MinTopUp: n.minTopUp,
        MaxTopUp: n.maxTopUp,
        Bundles: n.bundles.map((b) => ({ ProductCode: b.productCode, Name: b.name, Value: b.value })),
      })),
    }),
  confirm: ({ network, contactNumber, simSerialNumber }) =>
    success({ NetworkName: network.name, Confirmed: true, ContactNumber: contactNumber ?? null, SimSerialNumber: simSerialNumber ?? null }),
  recharge: ({ transactionId, network, topUpValue, chargedCents }) =>
    success({
      TransactionId: transactionId,
      NetworkName: network.name,
      TopUpValue: topUpValue,
      Currency: network.currency,
      ChargedUsd: usd(chargedCents),
    }),
  skus: (list) => ({
    skus: list.map((s) => ({ id: s.id, name: s.name, price_usd: usd(s.priceCents), carrier: s.carrier, plan_type: s.planType })),
  }),
  portalLogin: (session, user) => ({ ok: true, ...session, user }),
  resend: ({ sentTo, feeCents, balanceCents }) => ({ ok: true, sentTo, feeUsd: usd(feeCents), newBalance: usd(balanceCents) }),
  replace: ({ order, balanceCents }) => dealerOrderJson(order, balanceCents),
};

const strict: MeisimViews = {
  countries: (list) => list.map((c) => ({ countryISO: c.iso, countryName: c.name, region: c.region })),
  bundles: ({ items }) =>
    items.map(({ bundle: b, priceCents }) => ({
      name: b.name,
      dataAllowance: b.dataMb ?? -1,
      validity: b.validityDays,
      price: usd(priceCents),
    })),
  order: ({ esim, qrCode }) => ({ Status: "Success", Iccid: esim.iccid, QrCode: qrCode }),
  details: ({ esim, expiresAt }) => ({
    iccid: esim.iccid,
    activationState: esim.state,
    dataUsed: esim.usedMb,
    dataAllowance: esim.dataMb ?? -1,
    expiry: expiresAt,
  }),
  revoke: (esim) => ({ iccid: esim.iccid, status: "revoked" }),
  networks: (list) => list.map((n) => ({ networkName: n.name, country: n.country, currency: n.currency })),
  confirm: ({ network }) => ({ networkName: network.name, exists: true }),
  recharge: ({ transactionId, network, topUpValue }) => ({
    transactionId,
    networkName: network.name,
    topUpValue,
    currency: network.currency,
  }),
  skus: (list) => list.map((s) => ({ sku_id: s.id, name: s.name, price_usd: usd(s.priceCents) })),
  portalLogin: (session) => ({ token: session.token }),
  resend: () => ({ ok: true }),
  replace: ({ order, balanceCents }) => dealerOrderJson(order, balanceCents),
};

const allowanceText = (b: SimBundle) => (b.dataMb === null ? "Unlimited" : `${b.dataMb / 1024}GB${b.dayPass ? "/day" : ""}`);

const alternative: MeisimViews = {
  countries: (list) => ({ data: { countries: list.map((c) => ({ Name: c.name, Continent: c.region })) } }),
  bundles: ({ items, pageNumber, pageSize, total }) => ({
    data: {
      items: items.map(({ bundle: b, priceCents }) => ({
        BundleName: b.name,
        DataAllowance: allowanceText(b),
        Validity: `${b.validityDays} day${b.validityDays === 1 ? "" : "s"}`,
        Cost: dollars(priceCents),
        // Country bundles list their one country; region bundles only name the region.
        ...(b.countries.length === 1
          ? { Coverage: b.countries.map((c) => ({ Code: c.iso.toLowerCase(), Name: c.name })) }
          : { Region: b.region }),
      })),
      pagination: { page: String(pageNumber), per_page: String(pageSize), total: String(total) },
    },
  }),
  order: ({ order, esim, priceCents, origin }) => ({
    status: "success",
    iccid: esim.iccid,
    qrCode: `${origin}/__sim/qr/${esim.iccid}.png`,
    smdpAddress: esim.smdpAddress,
    activationCode: esim.matchingId,
    orderId: order.id,
    price: dollars(priceCents),
  }),
  details: ({ esim, activatedAt, expiresAt }) => ({
    data: {
      ICCID: esim.iccid,
      activation_state: esim.state.toLowerCase(),
      usage: { used_mb: String(esim.usedMb), total_mb: esim.dataMb === null ? "unlimited" : String(esim.dataMb) },
      start_date: activatedAt,
      expires_at: expiresAt,
      lpa_string: esim.lpa,
    },
  }),
  revoke: () => new Raw({ status: 204 }),
  networks: (list) => ({
    data: {
      networks: list.map((n) => ({
        Name: n.name,
        CountryCode: n.country.toLowerCase(),
        CurrencyCode: n.currency,
        Min: String(n.minTopUp),
        Max: String(n.maxTopUp),
        Products: n.bundles.map((b) => ({ Code: b.productCode, Name: b.name, Value: String(b.value) })),
      })),
    },
  }),
  confirm: () => ({ Status: "Success", Data: { Valid: "true" } }),
  recharge: ({ transactionId, network, chargedCents }) => ({
    data: { transaction_id: transactionId, currency_code: network.currency, amount_charged_usd: dollars(chargedCents) },
  }),
  skus: (list) => ({
    data: {
      items: list.map((s) => ({ SkuId: s.id, Title: s.name, UnitPrice: dollars(s.priceCents), Carrier: s.carrier, PlanType: s.planType })),
    },
  }),
  portalLogin: (session) => ({
    data: { access_token: session.token, expires_in: String(Math.round((Date.parse(session.expiresAt) - Date.now()) / 1000)) },
  }),
  resend: ({ sentTo, feeCents, balanceCents }) => ({
    sent: true,
    sent_to: sentTo,
    fee_usd: dollars(feeCents),
    balance: dollars(balanceCents),
  }),
  replace: ({ order, balanceCents }) => ({
    data: {
      order_id: order.id,
      short_id: order.shortId,
      unit_price: dollars(order.unitPriceCents),
      total: dollars(order.amountCents),
      balance_after: dollars(balanceCents),
    },
  }),
};

export const MEISIM_VIEWS: Readonly<Record<MeisimBaseDialect, MeisimViews>> = { friendly, strict, alternative };

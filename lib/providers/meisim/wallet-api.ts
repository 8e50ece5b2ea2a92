import { z } from "zod";
import type { Money, UsActivationAddress } from "../types";
import { check, checkEmail, checkIntegerRange, checkNonEmpty, toMajorUnits } from "./input";
import { csvMinor, isoDateTime, parseCsvRecords, usdMinor } from "./response";
import type { LooseRecord } from "../loose";
import { looseString } from "../loose";
import { layers, moneyIn, optionalIn, refusalIn, text } from "./normalise";
import { describeEndpoint, type MeisimTransport } from "./transport";
import type { Logger } from "../../log";
import { ProviderResponseError } from "../errors";
import { allowedProviderUrl, type UrlAllowList } from "../urls";

const wallet = { method: "GET", path: "/dealer/wallet", auth: "dealer", idempotent: true } as const;
const statement = { method: "GET", path: "/dealer/statement", auth: "dealer", idempotent: true } as const;
const topup = { method: "POST", path: "/dealer/topup", auth: "dealer", group: "walletTopup", idempotent: false } as const;
const topupIntent = {
  method: "POST",
  path: "/dealer/topup-intent",
  auth: "dealer",
  group: "walletTopupIntent",
  idempotent: false,
} as const;
const topupPreview = { method: "GET", path: "/dealer/topup/preview", auth: "dealer", idempotent: true } as const;
const dealerOrder = { method: "POST", path: "/dealer/order", auth: "dealer", group: "order", idempotent: false } as const;
const resendEmail = { method: "POST", path: "/dealer/resend-email/:orderId", auth: "dealer", idempotent: false } as const;
const replace = { method: "POST", path: "/dealer/replace/:orderId", auth: "dealer", idempotent: false } as const;

const transactionSchema = z.object({
  id: z.string(),
  created_at: isoDateTime,
  type: z.string(),
  amount_usd: usdMinor,
  balance_after_usd: usdMinor,
  description: z.string().nullish(),
  stripe_session_id: z.string().nullish(),
  related_order_id: z.string().nullish(),
});

const walletSchema = z.object({
  ok: z.literal(true),
  balance: usdMinor,
  markupPct: z.number(),
  resendFee: usdMinor,
  company: z.string().nullish(),
  email: z.string(),
  transactions: z.array(transactionSchema),
});

const feeFields = { netAmt: usdMinor, grossAmt: usdMinor, fee: usdMinor };
const checkoutSchema = z.object({ ok: z.literal(true), checkoutUrl: z.url(), ...feeFields });
const intentSchema = z.object({ ok: z.literal(true), clientSecret: z.string().min(1), publishableKey: z.string().min(1), ...feeFields });
const previewSchema = z.object({ ok: z.literal(true), net: usdMinor, gross: usdMinor, fee: usdMinor });

const dealerOrderSchema = z.object({
  ok: z.literal(true),
  orderId: z.string().min(1),
  shortId: z.string().nullish(),
  unitPriceUsd: usdMinor,
  totalUsd: usdMinor,
  newBalance: usdMinor,
});

const STATEMENT_COLUMNS = ["Date", "Type", "Amount USD", "Balance after USD", "Description", "Order ID", "Stripe session"] as const;

const usd = (amountMinor: number): Money => ({ amountMinor, currency: "USD" });

export interface WalletTransaction {
  id: string;
  createdAt: string;
  /** "debit", "topup" or "refund". */
  type: string;
  /** Signed: debits are negative. */
  amount: Money;
  balanceAfter: Money;
  description: string | null;
  stripeSessionId: string | null;
  relatedOrderId: string | null;
}

export interface MeisimWallet {
  balance: Money;
  markupPct: number;
  resendFee: Money;
  company: string | null;
  email: string;
  transactions: WalletTransaction[];
}

export interface StatementRow {
  date: string;
  type: string;
  amount: Money;
  balanceAfter: Money;
  description: string;
  orderId: string | null;
  stripeSessionId: string | null;
}

export interface StripeFee {
  /** What reaches the wallet. */
  net: Money;
  /** What the card is charged. */
  gross: Money;
  fee: Money;
}

/** The address /dealer/order takes, with the field names MeiSIM documents. */
export interface DealerAddress {
  first_name: string;
  last_name: string;
  address_line_1: string;
  city: string;
  state: string;
  zip_code: string;
  phone: string;
}

/** The common interface's activation address under MeiSIM's documented field names. */
export function dealerAddressOf(address: UsActivationAddress): DealerAddress {
  return {
    first_name: address.firstName,
    last_name: address.lastName,
    address_line_1: address.addressLine1,
    city: address.city,
    state: address.state,
    zip_code: address.zipCode,
    phone: address.phone,
  };
}

export interface DealerOrderInput {
  productId: string;
  customerEmail: string;
  customerName: string;
  /** 1–20, default 1. */
  quantity?: number;
  language?: string;
  /** US prepaid: the device IMEI, 15 digits. */
  imei?: string;
  /** US prepaid: the device EID, 32 hex characters. */
  eid?: string;
  /** US prepaid: the activation address. */
  address?: DealerAddress;
}

/**
 * A replacement's answer. The document shows none for /dealer/replace, so
 * every figure is read tolerantly and may be missing.
 */
export interface ReplacementResult {
  orderId: string | null;
  shortId: string | null;
  unitPrice: Money | null;
  total: Money | null;
  newBalance: Money | null;
}

export interface DealerOrderResult {
  orderId: string;
  shortId: string | null;
  unitPrice: Money;
  total: Money;
  newBalance: Money;
}

/** MeiSIM's US prepaid products (which need IMEI, EID and address) carry "-prepaid" in their id, e.g. "p3:att-prepaid-30". */
export function isUsPrepaidProduct(productId: string): boolean {
  return /-prepaid\b/i.test(productId);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(value: string | undefined, field: string): void {
  if (value === undefined) return;
  const valid = DATE_ONLY.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
  check(valid, field, `"${value}" is not a YYYY-MM-DD date`);
}

function checkAddress(address: DealerAddress): void {
  for (const key of ["first_name", "last_name", "address_line_1", "city", "state", "zip_code", "phone"] as const) {
    checkNonEmpty(address[key], `address.${key}`);
  }
  check(/^[A-Z]{2}$/.test(address.state), "address.state", "must be a two-letter US state code");
  check(/^\d{5}(-\d{4})?$/.test(address.zip_code), "address.zip_code", "must be a US ZIP code");
  check(/^\+?1?\d{10}$/.test(address.phone.replace(/[\s().-]/g, "")), "address.phone", "must be a US phone number");
}

function checkDealerOrder(input: DealerOrderInput): void {
  checkNonEmpty(input.productId, "productId");
  checkNonEmpty(input.customerEmail, "customerEmail");
  checkEmail(input.customerEmail, "customerEmail");
  checkNonEmpty(input.customerName, "customerName");
  if (input.quantity !== undefined) checkIntegerRange(input.quantity, "quantity", 1, 20);
  if (input.language !== undefined)
    check(/^[a-z]{2}(-[A-Za-z]{2})?$/.test(input.language), "language", "must be a language code such as en");
  if (input.imei !== undefined) check(/^\d{15}$/.test(input.imei), "imei", "must be 15 digits");
  if (input.eid !== undefined) check(/^[0-9A-Fa-f]{32}$/.test(input.eid), "eid", "must be 32 hexadecimal characters");
  if (input.address !== undefined) checkAddress(input.address);
  if (isUsPrepaidProduct(input.productId)) {
    check(input.imei !== undefined, "imei", "is required for US prepaid products");
    check(input.eid !== undefined, "eid", "is required for US prepaid products");
    check(input.address !== undefined, "address", "is required for US prepaid products");
  }
}

/** $50 to $10,000 per Stripe top-up, checked before any call. */
function checkTopupAmount(amountMinor: number): number {
  checkIntegerRange(amountMinor, "amountMinor", 50_00, 10_000_00);
  return toMajorUnits(amountMinor, "amountMinor");
}

const toFee = (b: { netAmt: number; grossAmt: number; fee: number }): StripeFee => ({
  net: usd(b.netAmt),
  gross: usd(b.grossAmt),
  fee: usd(b.fee),
});

const toDealerOrder = (b: z.output<typeof dealerOrderSchema>): DealerOrderResult => ({
  orderId: b.orderId,
  shortId: b.shortId ?? null,
  unitPrice: usd(b.unitPriceUsd),
  total: usd(b.totalUsd),
  newBalance: usd(b.newBalance),
});

const usdIn = (records: LooseRecord[], major: string[]): Money | null => moneyIn(records, { major, currency: [] }) ?? null;

/** The dealer wallet: balance, statement, Stripe top-ups, and what is paid from it. */
export class MeisimWalletApi {
  constructor(
    private readonly http: MeisimTransport,
    /** Where MeiSIM's checkout pages may be (lib/providers/urls.ts). */
    private readonly urls: UrlAllowList,
    private readonly logger?: Logger,
  ) {}

  async wallet(): Promise<MeisimWallet> {
    const b = await this.http.json(wallet, walletSchema);
    return {
      balance: usd(b.balance),
      markupPct: b.markupPct,
      resendFee: usd(b.resendFee),
      company: b.company ?? null,
      email: b.email,
      transactions: b.transactions.map((t) => ({
        id: t.id,
        createdAt: t.created_at,
        type: t.type,
        amount: usd(t.amount_usd),
        balanceAfter: usd(t.balance_after_usd),
        description: t.description ?? null,
        stripeSessionId: t.stripe_session_id ?? null,
        relatedOrderId: t.related_order_id ?? null,
      })),
    };
  }

  /** The statement CSV for a date range (YYYY-MM-DD; MeiSIM defaults to the last 90 days), parsed. */
  async statement(range: { from?: string; to?: string } = {}): Promise<StatementRow[]> {
    checkDate(range.from, "from");
    checkDate(range.to, "to");
    if (range.from && range.to) check(range.from <= range.to, "from", "must not be after to");
    const csv = await this.http.text(statement, { query: { from: range.from, to: range.to } });
    const where = "GET /dealer/statement";
    return parseCsvRecords(csv, STATEMENT_COLUMNS, where).map((r) => ({
      date: r.Date,
      type: r.Type,
      amount: usd(csvMinor(r["Amount USD"], "Amount USD", where)),
      balanceAfter: usd(csvMinor(r["Balance after USD"], "Balance after USD", where)),
      description: r.Description,
      orderId: r["Order ID"] || null,
      stripeSessionId: r["Stripe session"] || null,
    }));
  }

  /** A Stripe checkout session for $50–$10,000; send the admin to `checkoutUrl`. */
  async topup(amountMinor: number): Promise<StripeFee & { checkoutUrl: string }> {
    const b = await this.http.json(topup, checkoutSchema, { body: { amountUsd: checkTopupAmount(amountMinor) } });
    // An admin is sent to this address: only to a host on MeiSIM's allow-list.
    const checkoutUrl = allowedProviderUrl(this.urls, b.checkoutUrl, "wallet top-up checkoutUrl", this.logger);
    if (!checkoutUrl) throw new ProviderResponseError("meisim", "the top-up checkout page is on a host not allowed by MEISIM_URL_HOSTS");
    return { checkoutUrl, ...toFee(b) };
  }

  /** A Stripe PaymentIntent for embedded checkout (same $50–$10,000 range). */
  async topupIntent(amountMinor: number): Promise<StripeFee & { clientSecret: string; publishableKey: string }> {
    const b = await this.http.json(topupIntent, intentSchema, { body: { amountUsd: checkTopupAmount(amountMinor) } });
    return { clientSecret: b.clientSecret, publishableKey: b.publishableKey, ...toFee(b) };
  }

  /** What a top-up of `netMinor` costs with Stripe's fee. */
  async topupPreview(netMinor: number): Promise<StripeFee> {
    checkIntegerRange(netMinor, "netMinor", 1, Number.MAX_SAFE_INTEGER);
    const b = await this.http.json(topupPreview, previewSchema, { query: { net: toMajorUnits(netMinor, "netMinor") } });
    return { net: usd(b.net), gross: usd(b.gross), fee: usd(b.fee) };
  }

  /** Orders from the wallet at dealer price; 402 (MeisimInsufficientBalanceError) when short. */
  async order(input: DealerOrderInput): Promise<DealerOrderResult> {
    checkDealerOrder(input);
    return toDealerOrder(await this.http.json(dealerOrder, dealerOrderSchema, { body: { ...input } }));
  }

  /**
   * Resends the activation email (charges the resend fee); to the original
   * address unless `email` is given. The document shows no answer: any 2xx
   * is success unless it reports failure; figures are read when present.
   */
  async resendEmail(orderId: string, email?: string): Promise<{ sentTo: string | null; fee: Money | null; newBalance: Money | null }> {
    checkNonEmpty(orderId, "orderId");
    checkEmail(email, "email");
    const where = describeEndpoint(resendEmail);
    const body = await this.http.body(resendEmail, { params: { orderId }, body: email === undefined ? {} : { email } });
    const refused = refusalIn(body, where);
    if (refused) throw refused;
    const ls = layers(body);
    return {
      sentTo: optionalIn(ls, ["sentTo", "email", "recipient", "to", "emailAddress"], looseString) ?? email ?? null,
      fee: usdIn(ls, ["feeUsd", "fee", "resendFee", "charged", "chargedUsd", "cost"]),
      newBalance: usdIn(ls, ["newBalance", "balance", "balanceAfter", "walletBalance", "balanceUsd", "balanceAfterUsd"]),
    };
  }

  /**
   * A replacement eSIM at the product's current price, paid from the wallet
   * (402 when short). The document shows no answer; it is read tolerantly.
   */
  async replace(orderId: string): Promise<ReplacementResult> {
    checkNonEmpty(orderId, "orderId");
    const where = describeEndpoint(replace);
    const body = await this.http.body(replace, { params: { orderId } });
    const refused = refusalIn(body, where);
    if (refused) throw refused;
    const ls = layers(body);
    return {
      orderId: optionalIn(ls, ["orderId", "replacementOrderId", "newOrderId", "id"], text) ?? null,
      shortId: optionalIn(ls, ["shortId", "shortCode", "reference"], text) ?? null,
      unitPrice: usdIn(ls, ["unitPriceUsd", "unitPrice", "price", "priceUsd"]),
      total: usdIn(ls, ["totalUsd", "total", "charged", "chargedUsd", "amount"]),
      newBalance: usdIn(ls, ["newBalance", "balance", "balanceAfter", "walletBalance", "balanceUsd"]),
    };
  }
}

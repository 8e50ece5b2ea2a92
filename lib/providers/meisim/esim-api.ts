import { z } from "zod";
import { ProviderNetworkError, ProviderResponseError, ProviderTimeoutError } from "../errors";
import { sleep } from "../http";
import type { EsimInstall, EsimState, Money, ProgressFn } from "../types";
import type { MeisimAccountApi, MeisimOrderRecord } from "./account-api";
import { MeisimServerError } from "./errors";
import { check, checkEmail, checkIccid, checkIntegerRange, checkNonEmpty, LPA_PATTERN } from "./input";
import { isoDateTime, usdMinor } from "./response";
import type { MeisimTransport } from "./transport";

const countries = { method: "GET", path: "/api/v1/esim/countries", auth: "dealer", group: "read", idempotent: true } as const;
const bundles = { method: "POST", path: "/api/v1/esim/bundles", auth: "dealer", group: "read", idempotent: true } as const;
const order = { method: "POST", path: "/api/v1/esim/order", auth: "dealer", group: "order", idempotent: false } as const;
const details = { method: "POST", path: "/api/v1/esim/details", auth: "dealer", group: "read", idempotent: true } as const;
const revoke = { method: "POST", path: "/api/v1/esim/revoke", auth: "dealer", group: "revoke", idempotent: false } as const;

const lpa = z.string().regex(LPA_PATTERN, "not an LPA string (LPA:1$<smdp>$<code>)");

const countriesSchema = z.object({
  Countries: z.array(z.object({ CountryISO: z.string().length(2), CountryName: z.string(), Region: z.string().nullish() })),
});

const bundleSchema = z.object({
  Name: z.string().min(1),
  Description: z.string().nullish(),
  /** null: unlimited. */
  DataMb: z.number().nonnegative().nullable(),
  ValidityDays: z.number().int().positive(),
  Price: usdMinor,
  Currency: z.string().length(3).optional(),
  Countries: z.array(z.object({ CountryISO: z.string().length(2), CountryName: z.string() })),
  Region: z.string().nullish(),
  DayPass: z.boolean().optional(),
});

const bundlePageSchema = z.object({
  PageNumber: z.number().int().positive(),
  PageSize: z.number().int().positive(),
  TotalCount: z.number().int().nonnegative(),
  Bundles: z.array(bundleSchema),
});

const orderSchema = z.object({
  OrderId: z.string().min(1),
  Iccid: z.string().min(1),
  QrCode: lpa,
  BundleName: z.string().optional(),
  CustomerReference: z.string().nullish(),
  Price: usdMinor.optional(),
});

const detailsSchema = z.object({
  Iccid: z.string(),
  State: z.string(),
  DataUsedMb: z.number().nonnegative(),
  /** null: unlimited. */
  DataAllowanceMb: z.number().nonnegative().nullable(),
  ActivatedAt: isoDateTime.nullish(),
  ExpiresAt: isoDateTime.nullish(),
  BundleName: z.string().nullish(),
  QrCode: lpa.nullish(),
});

const revokeSchema = z.object({ Iccid: z.string() });

export interface MeisimCountry {
  iso: string;
  name: string;
  region: string | null;
}

export interface MeisimBundle {
  /** The bundle name is MeiSIM's order handle (our planRef). */
  name: string;
  description: string | null;
  /** null: unlimited. */
  dataMb: number | null;
  validityDays: number;
  /** Dealer price (markup included). */
  price: Money;
  countries: { iso: string; name: string }[];
  region: string | null;
  dayPass: boolean;
}

export interface BundleFilter {
  countryISO?: string;
  countryName?: string;
  region?: string;
}

export interface BundlePage {
  pageNumber: number;
  pageSize: number;
  totalCount: number;
  bundles: MeisimBundle[];
}

export interface EsimOrderInput {
  bundleName: string;
  /** Our order id; what a lost answer is found again by. */
  customerReference?: string;
  emailAddress?: string;
  qrToCustomer?: boolean;
}

export interface MeisimEsimOrder {
  orderId: string;
  install: EsimInstall;
  bundleName: string;
  customerReference: string | null;
  charged: Money | null;
  /** True when the answer was lost and the order was found in the history instead. */
  recovered: boolean;
}

export interface MeisimEsimDetails {
  iccid: string;
  state: EsimState;
  /** MeiSIM's own state word, e.g. "NOT_INSTALLED". */
  rawState: string;
  usedMb: number;
  /** null: unlimited. */
  totalMb: number | null;
  activatedAt: string | null;
  expiresAt: string | null;
  bundleName: string | null;
  lpa: string | null;
}

const STATES: Record<string, EsimState> = {
  NOT_INSTALLED: "not_installed",
  INSTALLED: "installed",
  ACTIVE: "active",
  DEPLETED: "depleted",
  EXPIRED: "expired",
  REVOKED: "disabled",
  DISABLED: "disabled",
  DELETED: "deleted",
};

/** Splits "LPA:1$<smdp>$<code>" into what an install screen needs. */
export function installFromLpa(iccid: string, lpaString: string): EsimInstall {
  const [, smdpAddress = "", activationCode = ""] = lpaString.split("$");
  return { iccid, lpa: lpaString, smdpAddress, activationCode, apn: null, pdfUrl: null, activateBefore: null };
}

function toBundle(b: z.output<typeof bundleSchema>): MeisimBundle {
  return {
    name: b.Name,
    description: b.Description ?? null,
    dataMb: b.DataMb,
    validityDays: b.ValidityDays,
    price: { amountMinor: b.Price, currency: b.Currency?.toUpperCase() ?? "USD" },
    countries: b.Countries.map((c) => ({ iso: c.CountryISO.toUpperCase(), name: c.CountryName })),
    region: b.Region ?? null,
    dayPass: b.DayPass ?? false,
  };
}

/** An order request whose answer never arrived (or arrived unreadable) may have been placed. */
function outcomeUnknown(err: unknown): boolean {
  return (
    err instanceof ProviderTimeoutError ||
    err instanceof ProviderNetworkError ||
    err instanceof MeisimServerError ||
    err instanceof ProviderResponseError
  );
}

export class MeisimEsimApi {
  constructor(
    private readonly http: MeisimTransport,
    private readonly account: MeisimAccountApi,
    private readonly recovery: { lookups: number; intervalMs: number },
  ) {}

  async countries(): Promise<MeisimCountry[]> {
    const body = await this.http.upstream(countries, countriesSchema);
    return body.Countries.map((c) => ({ iso: c.CountryISO.toUpperCase(), name: c.CountryName, region: c.Region ?? null }));
  }

  /** One page of bundles; `pageSize` at most 100. */
  async bundles(filter: BundleFilter = {}, page: { pageNumber?: number; pageSize?: number } = {}): Promise<BundlePage> {
    const countryISO = filter.countryISO?.toUpperCase();
    if (countryISO !== undefined) check(/^[A-Z]{2}$/.test(countryISO), "countryISO", "must be an ISO 3166-1 alpha-2 code");
    const pageNumber = page.pageNumber ?? 1;
    const pageSize = page.pageSize ?? 20;
    checkIntegerRange(pageNumber, "pageNumber", 1, Number.MAX_SAFE_INTEGER);
    checkIntegerRange(pageSize, "pageSize", 1, 100);
    const body = await this.http.upstream(bundles, bundlePageSchema, {
      body: { countryISO, countryName: filter.countryName, region: filter.region, pageNumber, pageSize },
    });
    return { pageNumber: body.PageNumber, pageSize: body.PageSize, totalCount: body.TotalCount, bundles: body.Bundles.map(toBundle) };
  }

  /** Every page of bundles matching `filter`, 100 at a time. */
  async allBundles(filter: BundleFilter = {}, options: { onProgress?: ProgressFn } = {}): Promise<MeisimBundle[]> {
    const all: MeisimBundle[] = [];
    for (let pageNumber = 1; ; pageNumber++) {
      const page = await this.bundles(filter, { pageNumber, pageSize: 100 });
      all.push(...page.bundles);
      const totalPages = Math.max(1, Math.ceil(page.totalCount / page.pageSize));
      options.onProgress?.({ done: Math.min(pageNumber, totalPages), total: totalPages, note: `${all.length} of ${page.totalCount} bundles` });
      this.http.log.debug("meisim: bundle page fetched", { pageNumber, totalPages, bundles: all.length });
      // An empty page also ends the walk, so a TotalCount that overstates cannot loop forever.
      if (pageNumber >= totalPages || page.bundles.length === 0) break;
    }
    this.http.log.info("meisim: bundle catalog fetched", { bundles: all.length, filter });
    return all;
  }

  /**
   * Orders one eSIM. Never sent twice: when the answer is lost, the order is
   * looked up in the history by `customerReference` among the orders that
   * were not there before (`knownOrderIds`, read first when not given).
   */
  async order(input: EsimOrderInput, options: { knownOrderIds?: ReadonlySet<string> } = {}): Promise<MeisimEsimOrder> {
    checkNonEmpty(input.bundleName, "bundleName");
    checkEmail(input.emailAddress, "emailAddress");
    check(!input.qrToCustomer || input.emailAddress !== undefined, "emailAddress", "is required when qrToCustomer is true");
    const reference = input.customerReference;
    if (reference !== undefined) checkNonEmpty(reference, "customerReference");
    const known =
      reference === undefined
        ? null
        : (options.knownOrderIds ?? new Set((await this.account.esimOrdersByReference(reference)).map((o) => o.id)));
    try {
      const body = await this.http.upstream(order, orderSchema, {
        body: { bundleName: input.bundleName, customerReference: reference, emailAddress: input.emailAddress, qrToCustomer: input.qrToCustomer ?? false },
      });
      return {
        orderId: body.OrderId,
        install: installFromLpa(body.Iccid, body.QrCode),
        bundleName: body.BundleName ?? input.bundleName,
        customerReference: body.CustomerReference ?? reference ?? null,
        charged: body.Price === undefined ? null : { amountMinor: body.Price, currency: "USD" },
        recovered: false,
      };
    } catch (err) {
      if (!outcomeUnknown(err)) throw err;
      if (reference === undefined || known === null) {
        this.http.log.error("meisim: order answer lost and no customerReference to find it by", { bundleName: input.bundleName, err });
        throw err;
      }
      const found = await this.findNewOrder(reference, known, err);
      return this.fromRecord(found, true);
    }
  }

  /** Turns a history row into an order with its install details. */
  async fromRecord(record: MeisimOrderRecord, recovered: boolean): Promise<MeisimEsimOrder> {
    if (!record.iccid) throw new ProviderResponseError("meisim", `Order ${record.id} has no ICCID in the order history`);
    const esim = await this.details(record.iccid);
    if (!esim.lpa) throw new ProviderResponseError("meisim", `Order ${record.id}: details for ${record.iccid} carry no QrCode`);
    return {
      orderId: record.id,
      install: installFromLpa(record.iccid, esim.lpa),
      bundleName: record.bundleName ?? esim.bundleName ?? "",
      customerReference: record.customerReference,
      charged: record.amount,
      recovered,
    };
  }

  private async findNewOrder(reference: string, known: ReadonlySet<string>, cause: unknown): Promise<MeisimOrderRecord> {
    this.http.log.warn("meisim: order answer lost, looking it up by customerReference", { customerReference: reference, err: cause });
    for (let lookup = 1; lookup <= this.recovery.lookups; lookup++) {
      const fresh = (await this.account.esimOrdersByReference(reference)).filter((o) => !known.has(o.id));
      // Newest first: with several unseen rows, the latest is the one just sent.
      if (fresh[0]) {
        this.http.log.info("meisim: lost order found in history", { customerReference: reference, orderId: fresh[0].id });
        return fresh[0];
      }
      if (lookup < this.recovery.lookups) await sleep(this.recovery.intervalMs);
    }
    this.http.log.warn("meisim: lost order not in history; it was not placed", { customerReference: reference });
    throw cause;
  }

  async details(iccid: string): Promise<MeisimEsimDetails> {
    checkIccid(iccid, "iccid");
    const body = await this.http.upstream(details, detailsSchema, { body: { iccid } });
    return {
      iccid: body.Iccid,
      state: STATES[body.State.toUpperCase()] ?? "unknown",
      rawState: body.State,
      usedMb: body.DataUsedMb,
      totalMb: body.DataAllowanceMb,
      activatedAt: body.ActivatedAt ?? null,
      expiresAt: body.ExpiresAt ?? null,
      bundleName: body.BundleName ?? null,
      lpa: body.QrCode ?? null,
    };
  }

  /** Deactivates the eSIM upstream; MeiSIM marks the order revoked. */
  async revoke(iccid: string): Promise<void> {
    checkIccid(iccid, "iccid");
    await this.http.upstream(revoke, revokeSchema, { body: { iccid } });
  }
}

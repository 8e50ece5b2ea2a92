import { countryName } from "../../geo/countries";
import {
  InstallUnreadableError,
  OrderOutcomeUnknownError,
  ProviderNetworkError,
  ProviderResponseError,
  ProviderTimeoutError,
} from "../errors";
import { looseBoolean, pick, isRecord } from "../loose";
import type { EsimInstall, Money, ProgressFn } from "../types";
import { MeisimApiError, MeisimServerError, MeisimUpstreamError } from "./errors";
import { check, checkEmail, checkIccid, checkIntegerRange, checkNonEmpty } from "./input";
import {
  bundleList,
  messageIn,
  orderStatus,
  pageInfo,
  readBundle,
  readCountries,
  readDetails,
  readPlacedEsim,
  refusalIn,
  type MeisimBundle,
  type MeisimEsimDetails,
  type PageInfo,
} from "./normalise";
import { lpaFromQrCode, QrCodeUnreadableError, type QrImageSource } from "./qr-code";
import { describeEndpoint, type MeisimTransport } from "./transport";

const countries = { method: "GET", path: "/api/v1/esim/countries", auth: "dealer", group: "read", idempotent: true } as const;
const bundles = { method: "POST", path: "/api/v1/esim/bundles", auth: "dealer", group: "read", idempotent: true } as const;
const order = { method: "POST", path: "/api/v1/esim/order", auth: "dealer", group: "order", idempotent: false } as const;
const details = { method: "POST", path: "/api/v1/esim/details", auth: "dealer", group: "read", idempotent: true } as const;
const revoke = { method: "POST", path: "/api/v1/esim/revoke", auth: "dealer", group: "revoke", idempotent: false } as const;

/** The documented maximum page size; the catalog walks the list this many at a time. */
export const BUNDLE_PAGE_MAX = 100;
/** A walk stops here whatever the answers claim (a service that never ends a list). */
export const MAX_BUNDLE_PAGES = 500;

export interface MeisimCountry {
  iso: string;
  /** MeiSIM's name for it, else ISO's English short name. */
  name: string;
  region: string | null;
}

export interface BundleFilter {
  countryISO?: string;
  countryName?: string;
  region?: string;
}

export interface BundlePage {
  pageNumber: number;
  pageSize: number;
  /** Readable bundles of the page. */
  bundles: MeisimBundle[];
  /** Entries the page held, readable or not. */
  received: number;
  /** Why each unreadable entry was skipped. */
  skipped: string[];
  /** Paging figures the answer stated, if any. */
  stated: PageInfo;
}

export interface BundleWalk {
  /** Distinct by name, in the order first seen. */
  bundles: MeisimBundle[];
  received: number;
  skipped: string[];
  pages: number;
}

export interface EsimOrderInput {
  bundleName: string;
  /** Our reference for this card (the storefront's item id). */
  customerReference?: string;
  emailAddress?: string;
  qrToCustomer?: boolean;
}

export interface MeisimEsimOrder {
  /** MeiSIM's order id when the answer carries one (the document's answer shows none). */
  orderId: string | null;
  install: EsimInstall;
  bundleName: string;
  customerReference: string | null;
  /** What was charged, when the answer says. */
  charged: Money | null;
}

export type { MeisimBundle, MeisimEsimDetails } from "./normalise";

/** Splits "LPA:1$<smdp>$<code>" into what an install screen needs. */
export function installFromLpa(iccid: string, lpaString: string): EsimInstall {
  const [, smdpAddress = "", activationCode = ""] = lpaString.split("$");
  return { iccid, lpa: lpaString, smdpAddress, activationCode, apn: null, pdfUrl: null, activateBefore: null };
}

const NEVER_CONNECTED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "ERR_INVALID_URL"]);

/** The connection never opened, so the request cannot have reached MeiSIM. */
function neverSent(err: ProviderNetworkError): boolean {
  let cause: unknown = err.cause;
  for (let depth = 0; depth < 5 && cause; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && NEVER_CONNECTED.has(code)) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * A write whose answer never arrived, arrived unreadable (5xx, not JSON), or
 * came with an HTTP status the document's error table does not list (a 409,
 * say) may have taken effect: none of them says nothing was done.
 */
export function answerLost(err: unknown): boolean {
  if (err instanceof ProviderNetworkError) return !neverSent(err);
  // meisimErrorFor gives each listed status its own class; the bare class is an unlisted one.
  const unlistedStatus = err instanceof MeisimApiError && err.constructor === MeisimApiError;
  return err instanceof ProviderTimeoutError || err instanceof MeisimServerError || err instanceof ProviderResponseError || unlistedStatus;
}

export class MeisimEsimApi {
  constructor(
    private readonly http: MeisimTransport,
    /** Where a QrCode image URL may be fetched from (./qr-code). */
    private readonly qrImages: QrImageSource,
  ) {}

  /** The upstream country catalog, however it is shaped, as ISO codes with names (and regions when given). */
  async countries(): Promise<MeisimCountry[]> {
    const where = describeEndpoint(countries);
    const body = await this.http.body(countries);
    const refused = refusalIn(body, where);
    if (refused) throw refused;
    const { countries: list, unreadable } = readCountries(body, where);
    if (unreadable > 0) this.http.log.warn("meisim: countries without a readable ISO code or name skipped", { unreadable });
    return list.map((c) => ({ iso: c.iso, name: c.name ?? countryName(c.iso) ?? c.iso, region: c.region }));
  }

  /**
   * One page of bundles; `pageSize` at most 100. Entries that cannot be read
   * are left out and listed in `skipped`. A filtered query whose answer holds
   * no list at all counts as an empty page (nothing sold there); an
   * unfiltered one fails.
   */
  async bundles(filter: BundleFilter = {}, page: { pageNumber?: number; pageSize?: number } = {}): Promise<BundlePage> {
    const countryISO = filter.countryISO?.toUpperCase();
    if (countryISO !== undefined) check(/^[A-Z]{2}$/.test(countryISO), "countryISO", "must be an ISO 3166-1 alpha-2 code");
    const pageNumber = page.pageNumber ?? 1;
    const pageSize = page.pageSize ?? 20;
    checkIntegerRange(pageNumber, "pageNumber", 1, Number.MAX_SAFE_INTEGER);
    checkIntegerRange(pageSize, "pageSize", 1, BUNDLE_PAGE_MAX);
    const where = describeEndpoint(bundles);
    const body = await this.http.body(bundles, {
      body: { countryISO, countryName: filter.countryName, region: filter.region, pageNumber, pageSize },
    });
    const refused = refusalIn(body, where);
    if (refused) throw refused;
    const list = bundleList(body);
    const filtered = countryISO !== undefined || filter.countryName !== undefined || filter.region !== undefined;
    if (!list) {
      if (!filtered) {
        throw new ProviderResponseError(
          "meisim",
          `${where} response: no bundle list found (looked for a bare list or bundles, items, data, results, list, records, rows)`,
          { body },
        );
      }
      this.http.log.warn("meisim: bundle answer for a filter holds no list; read as no bundles", {
        filter,
        body: JSON.stringify(body)?.slice(0, 200),
      });
    }
    const out: MeisimBundle[] = [];
    const skipped: string[] = [];
    for (const raw of list ?? []) {
      try {
        out.push(readBundle(raw, where));
      } catch (err) {
        if (!(err instanceof ProviderResponseError)) throw err;
        skipped.push(err.message);
      }
    }
    return { pageNumber, pageSize, bundles: out, received: list?.length ?? 0, skipped, stated: pageInfo(body) };
  }

  /**
   * Every page of bundles matching `filter`, 100 at a time. Page figures are
   * optional and may be named anyhow; the walk ends at an empty page, a page
   * shorter than the page size, a stated total (items or pages), a page that
   * only repeats bundles already seen (a service ignoring pageNumber), or
   * MAX_BUNDLE_PAGES. Unreadable bundles are skipped with a warning.
   */
  async allBundles(filter: BundleFilter = {}, options: { onProgress?: ProgressFn } = {}): Promise<BundleWalk> {
    const byName = new Map<string, MeisimBundle>();
    const skipped: string[] = [];
    let received = 0;
    let pageNumber = 1;
    for (; ; pageNumber++) {
      const page = await this.bundles(filter, { pageNumber, pageSize: BUNDLE_PAGE_MAX });
      received += page.received;
      skipped.push(...page.skipped);
      let fresh = 0;
      for (const bundle of page.bundles) {
        if (byName.has(bundle.name)) continue;
        byName.set(bundle.name, bundle);
        fresh++;
      }
      const { total, totalPages: statedPages, pageSize } = page.stated;
      const size = pageSize ?? BUNDLE_PAGE_MAX;
      const totalPages = statedPages ?? (total !== undefined ? Math.max(1, Math.ceil(total / size)) : undefined);
      const repeated = page.bundles.length > 0 && fresh === 0;
      const last =
        page.received === 0 ||
        page.received < size ||
        (totalPages !== undefined && pageNumber >= totalPages) ||
        (total !== undefined && received >= total) ||
        repeated ||
        pageNumber >= MAX_BUNDLE_PAGES;
      if (repeated) this.http.log.warn("meisim: bundle page repeats bundles already seen; the list ends here", { filter, pageNumber });
      else if (pageNumber >= MAX_BUNDLE_PAGES && page.received >= size)
        this.http.log.error("meisim: bundle list still going after the page limit; stopped", { filter, pageNumber });
      options.onProgress?.({ done: pageNumber, total: last ? pageNumber : (totalPages ?? pageNumber + 1), note: `${byName.size} bundles` });
      this.http.log.debug("meisim: bundle page fetched", { filter, pageNumber, totalPages, bundles: byName.size });
      if (last) break;
    }
    for (const problem of skipped) this.http.log.warn("meisim: unreadable bundle skipped", { filter, problem });
    return { bundles: [...byName.values()], received, skipped, pages: pageNumber };
  }

  /**
   * Orders one eSIM, one request, never repeated and never looked up first.
   * - Status "Success" (any case) with an ICCID and an LPA: the card.
   * - Any other Status (the document lists none): OrderOutcomeUnknownError,
   *   never "nothing placed": the order may exist and is looked up.
   * - Status "Success" but no readable ICCID: OrderOutcomeUnknownError.
   * - Status "Success", an ICCID, and a QrCode in any form (./qr-code): the
   *   LPA it holds; one that cannot be read is an InstallUnreadableError
   *   (the card was placed for certain; a person gets its activation).
   * - No answer (timeout, connection lost after sending), a 5xx, or an
   *   unreadable body: OrderOutcomeUnknownError.
   * - 400/401/402/403/404, 429 after the bounded waits: their typed errors,
   *   nothing placed.
   */
  async order(input: EsimOrderInput): Promise<MeisimEsimOrder> {
    checkNonEmpty(input.bundleName, "bundleName");
    checkEmail(input.emailAddress, "emailAddress");
    check(!input.qrToCustomer || input.emailAddress !== undefined, "emailAddress", "is required when qrToCustomer is true");
    const reference = input.customerReference;
    if (reference !== undefined) checkNonEmpty(reference, "customerReference");
    const where = describeEndpoint(order);
    const what = `${where} for bundle ${input.bundleName}${reference ? ` (customerReference ${reference})` : ""}`;
    let body: unknown;
    try {
      body = await this.http.body(order, {
        body: {
          bundleName: input.bundleName,
          customerReference: reference,
          emailAddress: input.emailAddress,
          qrToCustomer: input.qrToCustomer ?? false,
        },
      });
    } catch (err) {
      if (!answerLost(err)) throw err;
      this.http.log.error("meisim: order answer lost; the order may exist", {
        bundleName: input.bundleName,
        customerReference: reference,
        err,
      });
      throw new OrderOutcomeUnknownError("meisim", what, err);
    }
    const status = orderStatus(body);
    if (status === undefined) {
      const cause = new ProviderResponseError(
        "meisim",
        `${where} response: Status is missing (${JSON.stringify(body)?.slice(0, 80) ?? "empty body"})`,
        { body },
      );
      this.http.log.error("meisim: order answer unreadable; the order may exist", { customerReference: reference, err: cause });
      throw new OrderOutcomeUnknownError("meisim", what, cause);
    }
    if (status.trim().toLowerCase() !== "success") {
      // The document shows only "Success": any other Status is an unknown outcome, never "nothing placed".
      const cause = new ProviderResponseError(
        "meisim",
        `${where} response: Status "${status}"${messageIn(body) ? ` (${messageIn(body)})` : ""} is not one the document lists`,
        { body },
      );
      this.http.log.error("meisim: order answered an undocumented Status; the order may exist", { customerReference: reference, status });
      throw new OrderOutcomeUnknownError("meisim", what, cause);
    }
    let placed;
    try {
      placed = readPlacedEsim(body, where);
    } catch (err) {
      if (!(err instanceof ProviderResponseError)) throw err;
      this.http.log.error("meisim: order placed (Status Success) but its eSIM could not be read", { customerReference: reference, err });
      throw new OrderOutcomeUnknownError("meisim", `${what}, answered Status ${status}`, err);
    }
    let lpa = placed.lpa;
    if (!lpa) {
      try {
        const read = await lpaFromQrCode(placed.qrCode!, this.qrImages);
        lpa = read.lpa;
        this.http.log.info("meisim: LPA read from the QrCode", { customerReference: reference, iccid: placed.iccid, form: read.form });
      } catch (err) {
        if (!(err instanceof QrCodeUnreadableError)) throw err;
        this.http.log.error("meisim: order placed but its QrCode holds no readable LPA; held for a person", {
          customerReference: reference,
          iccid: placed.iccid,
          form: err.form,
          err,
        });
        throw new InstallUnreadableError("meisim", what, placed.iccid, err);
      }
    }
    return {
      orderId: placed.orderId,
      install: installFromLpa(placed.iccid, lpa),
      bundleName: input.bundleName,
      customerReference: reference ?? null,
      charged: placed.charged,
    };
  }

  /** Activation state, data used vs allowance, expiry; an LPA only when the answer happens to carry one. */
  async details(iccid: string): Promise<MeisimEsimDetails> {
    checkIccid(iccid, "iccid");
    const where = describeEndpoint(details);
    const body = await this.http.body(details, { body: { iccid } });
    const refused = refusalIn(body, where);
    if (refused) throw refused;
    const read = readDetails(body, where);
    return { ...read, iccid: read.iccid ?? iccid };
  }

  /** Deactivates the eSIM upstream; MeiSIM marks the order revoked. Any 2xx answer (even empty) is success unless it says otherwise. */
  async revoke(iccid: string): Promise<void> {
    checkIccid(iccid, "iccid");
    const where = describeEndpoint(revoke);
    const body = await this.http.body(revoke, { body: { iccid } });
    const refused = refusalIn(body, where);
    if (refused) throw refused;
    if (isRecord(body) && looseBoolean(pick(body, ["revoked", "deactivated", "cancelled"])) === false) {
      throw new MeisimUpstreamError(where, "not revoked", messageIn(body));
    }
  }
}

import { OrderOutcomeUnknownError, ProviderResponseError } from "../errors";
import { isRecord, looseBoolean, looseList, looseString, pick, type LooseRecord } from "../loose";
import type { Money } from "../types";
import { MeisimUpstreamError } from "./errors";
import { answerLost } from "./esim-api";
import { check, checkIntegerRange, checkNonEmpty, toMajorUnits } from "./input";
import { countryRef, layers, majorToMinor, messageIn, optionalIn, refusalIn, text } from "./normalise";
import { describeEndpoint, type MeisimTransport } from "./transport";

const networks = { method: "GET", path: "/api/v1/topup/networks", auth: "dealer", group: "read", idempotent: true } as const;
// Confirm only looks the SIM up, so it may be repeated.
const confirm = { method: "POST", path: "/api/v1/topup/confirm", auth: "dealer", group: "order", idempotent: true } as const;
const recharge = { method: "POST", path: "/api/v1/topup/recharge", auth: "dealer", group: "order", idempotent: false } as const;

export interface TopupNetwork {
  /** What `networkName` takes. */
  name: string;
  /** ISO alpha-2 when readable, else the text given; null when not stated. */
  country: string | null;
  /** ISO 4217 when stated ("currency depends on network"). */
  currency: string | null;
  /** In the network's currency; null when not stated (or no currency is). */
  minTopUp: Money | null;
  maxTopUp: Money | null;
  /** Add-ons for `bundleProductCode`, when the list names any. */
  bundles: { productCode: string; name: string | null; value: Money | null }[];
}

/** The SIM to recharge: by phone number or by SIM serial (ICCID), not both. */
export interface TopupTarget {
  networkName: string;
  contactNumber?: string;
  simSerialNumber?: string;
}

/** Proof that `confirm` found the SIM; good for one recharge, for a limited time. */
export interface TopupConfirmation extends Readonly<TopupTarget> {
  readonly confirmedAt: number;
}

export interface RechargeInput {
  /** In the network's currency, minor units. */
  topUpMinor: number;
  bundle?: { productCode: string; valueMinor: number };
}

export interface RechargeResult {
  /** MeiSIM's reference, when the answer gives one. */
  transactionId: string | null;
  networkName: string;
  /** What was sent, in the network's currency when known. */
  topUp: Money | null;
  /** What the dealer wallet paid (USD), when the answer says. */
  charged: Money | null;
}

const NETWORK_NAMES = ["networkName", "name", "network", "operator", "operatorName", "carrier", "provider"];
const CURRENCY_NAMES = ["currency", "currencyCode", "localCurrency"];
const currencyCode = (v: unknown) => {
  const c = looseString(v)?.toUpperCase();
  return c && /^[A-Z]{3}$/.test(c) ? c : undefined;
};
const localAmount =
  (currency: string | null) =>
  (v: unknown): Money | undefined => {
    const read = majorToMinor(v);
    return read && currency ? { amountMinor: read.minor, currency: read.currency ?? currency } : undefined;
  };

const optional = <T>(record: LooseRecord, names: readonly string[], read: (v: unknown) => T | undefined) =>
  optionalIn([record], names, read);

function readNetwork(entry: unknown): TopupNetwork | undefined {
  if (typeof entry === "string")
    return entry.trim() ? { name: entry.trim(), country: null, currency: null, minTopUp: null, maxTopUp: null, bundles: [] } : undefined;
  if (!isRecord(entry)) return undefined;
  const own: LooseRecord[] = [entry];
  const name = optionalIn(own, NETWORK_NAMES, text);
  if (!name) return undefined;
  const currency = optionalIn(own, CURRENCY_NAMES, currencyCode) ?? null;
  const countryRaw = pick(entry, ["country", "countryCode", "countryISO", "iso", "countryName"]);
  const amount = localAmount(currency);
  const addOns =
    looseList(pick(entry, ["bundles", "products", "addOns", "packages", "bundleProducts", "options"]) ?? [], ["items", "list"]) ?? [];
  return {
    name,
    country: countryRef(countryRaw)?.iso ?? text(countryRaw) ?? null,
    currency,
    minTopUp:
      optionalIn(
        own,
        ["minTopUp", "minTopup", "min", "minimum", "minAmount", "minValue", "minimumTopUp", "minRecharge", "minimumAmount"],
        amount,
      ) ?? null,
    maxTopUp:
      optionalIn(
        own,
        ["maxTopUp", "maxTopup", "max", "maximum", "maxAmount", "maxValue", "maximumTopUp", "maxRecharge", "maximumAmount"],
        amount,
      ) ?? null,
    bundles: addOns.flatMap((b) => {
      if (!isRecord(b)) return [];
      const productCode = text(pick(b, ["productCode", "bundleProductCode", "code", "sku", "id"]));
      if (!productCode) return [];
      return [
        {
          productCode,
          name: text(pick(b, ["name", "title", "description", "label"])) ?? null,
          value: optional(b, ["value", "bundleValue", "price", "amount"], amount) ?? null,
        },
      ];
    }),
  };
}

function checkTarget(target: TopupTarget): void {
  checkNonEmpty(target.networkName, "networkName");
  const { contactNumber, simSerialNumber } = target;
  check(
    (contactNumber === undefined) !== (simSerialNumber === undefined),
    "contactNumber",
    "give either contactNumber or simSerialNumber, not both",
  );
  if (contactNumber !== undefined)
    check(/^\+[1-9]\d{6,14}$/.test(contactNumber), "contactNumber", "must be in international format, e.g. +447700900000");
  if (simSerialNumber !== undefined) check(/^\d{18,22}F?$/.test(simSerialNumber), "simSerialNumber", "must be an ICCID (18–22 digits)");
}

/**
 * Recharging existing SIMs. `recharge` only accepts a confirmation this
 * client issued, unused and fresh, so nothing is charged for a SIM nobody
 * checked exists. The document shows no answer shapes for these three
 * endpoints; they are read tolerantly (./normalise).
 */
export class MeisimTopupApi {
  private readonly issued = new WeakMap<TopupConfirmation, number>();
  /** Network currencies seen in `networks()`, for answers that do not repeat them. */
  private readonly currencies = new Map<string, string>();

  constructor(
    private readonly http: MeisimTransport,
    private readonly confirmationTtlMs: number,
  ) {}

  async networks(): Promise<TopupNetwork[]> {
    const where = describeEndpoint(networks);
    const body = await this.http.body(networks);
    const refused = refusalIn(body, where);
    if (refused) throw refused;
    const list = looseList(body, ["networks", "items", "data", "results", "list", "operators", "carriers"]);
    if (!list)
      throw new ProviderResponseError(
        "meisim",
        `${where} response: no network list found (looked for a bare list or networks, items, data, results)`,
        { body },
      );
    const out: TopupNetwork[] = [];
    for (const entry of list) {
      const network = readNetwork(entry);
      if (!network)
        this.http.log.warn("meisim: top-up network without a readable name skipped", { entry: JSON.stringify(entry)?.slice(0, 120) });
      else {
        out.push(network);
        if (network.currency) this.currencies.set(network.name, network.currency);
      }
    }
    if (list.length > 0 && out.length === 0)
      throw new ProviderResponseError(
        "meisim",
        `${where} response: no network has a readable name (looked for ${NETWORK_NAMES.join(", ")})`,
        { body },
      );
    return out;
  }

  /**
   * Checks the SIM exists on the network; the result unlocks one `recharge`.
   * A 2xx is a confirmation unless the answer says otherwise (a failure
   * Status, or confirmed/valid/exists/found: false); 404 is "no such SIM".
   */
  async confirm(target: TopupTarget): Promise<TopupConfirmation> {
    checkTarget(target);
    const where = describeEndpoint(confirm);
    const body = await this.http.body(confirm, { body: { ...target } });
    const refused = refusalIn(body, where);
    if (refused) throw refused;
    const verdict = isRecord(body)
      ? optionalIn(layers(body), ["confirmed", "valid", "isValid", "exists", "found", "simExists", "eligible"], looseBoolean)
      : undefined;
    if (verdict === false) throw new MeisimUpstreamError(where, "NotConfirmed", messageIn(body) ?? `no such SIM on ${target.networkName}`);
    const confirmation: TopupConfirmation = Object.freeze({ ...target, confirmedAt: Date.now() });
    this.issued.set(confirmation, Date.now() + this.confirmationTtlMs);
    return confirmation;
  }

  /**
   * Spends the confirmation and recharges. A lost answer (timeout, 5xx,
   * unreadable body) is an OrderOutcomeUnknownError: check the wallet
   * statement before trying again.
   */
  async recharge(confirmation: TopupConfirmation, input: RechargeInput): Promise<RechargeResult> {
    const validUntil = this.issued.get(confirmation);
    check(validUntil !== undefined, "confirmation", "recharge needs a confirmation from confirm() on this client, used once");
    check(Date.now() <= validUntil!, "confirmation", "has expired; confirm the SIM again");
    checkIntegerRange(input.topUpMinor, "topUpMinor", 1, Number.MAX_SAFE_INTEGER);
    if (input.bundle) checkNonEmpty(input.bundle.productCode, "bundle.productCode");
    // Spent before sending: a recharge whose answer is lost must not be repeatable with it.
    this.issued.delete(confirmation);
    const where = describeEndpoint(recharge);
    let body: unknown;
    try {
      body = await this.http.body(recharge, {
        body: {
          networkName: confirmation.networkName,
          contactNumber: confirmation.contactNumber,
          simSerialNumber: confirmation.simSerialNumber,
          topUpValue: toMajorUnits(input.topUpMinor, "topUpMinor"),
          bundleValue: input.bundle ? toMajorUnits(input.bundle.valueMinor, "bundle.valueMinor") : null,
          bundleProductCode: input.bundle?.productCode ?? null,
        },
      });
    } catch (err) {
      if (answerLost(err)) throw new OrderOutcomeUnknownError("meisim", `${where} on ${confirmation.networkName}`, err);
      throw err;
    }
    const refused = refusalIn(body, where);
    if (refused) throw refused;
    const ls = layers(body);
    const currency = optionalIn(ls, CURRENCY_NAMES, currencyCode) ?? this.currencies.get(confirmation.networkName) ?? null;
    const charged = optionalIn(
      ls,
      [
        "chargedUsd",
        "charged",
        "amountChargedUsd",
        "amountCharged",
        "costUsd",
        "debitedUsd",
        "debited",
        "totalUsd",
        "priceUsd",
        "walletDebit",
        "dealerCost",
      ],
      (v) => {
        const read = majorToMinor(v);
        return read ? { amountMinor: read.minor, currency: read.currency ?? "USD" } : undefined;
      },
    );
    return {
      transactionId: optionalIn(ls, ["transactionId", "txId", "rechargeId", "orderId", "reference", "id"], text) ?? null,
      networkName: optionalIn(ls, NETWORK_NAMES, text) ?? confirmation.networkName,
      topUp: currency ? { amountMinor: input.topUpMinor, currency } : null,
      charged: charged ?? null,
    };
  }
}

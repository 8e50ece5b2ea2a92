import { z } from "zod";
import { toMinorUnits } from "../http";
import type { Money } from "../types";
import { MeisimUpstreamError } from "./errors";
import { check, checkIntegerRange, checkNonEmpty, toMajorUnits } from "./input";
import { usdMinor } from "./response";
import type { MeisimTransport } from "./transport";

const networks = { method: "GET", path: "/api/v1/topup/networks", auth: "dealer", group: "read", idempotent: true } as const;
// Confirm only looks the SIM up, so it may be repeated.
const confirm = { method: "POST", path: "/api/v1/topup/confirm", auth: "dealer", group: "order", idempotent: true } as const;
const recharge = { method: "POST", path: "/api/v1/topup/recharge", auth: "dealer", group: "order", idempotent: false } as const;

/** A value in the network's own currency (major units) as minor units. */
const localMinor = z.number().finite().nonnegative().transform((v) => toMinorUnits(v));

const networksSchema = z.object({
  Networks: z.array(
    z.object({
      NetworkName: z.string().min(1),
      Country: z.string().nullish(),
      Currency: z.string().length(3),
      MinTopUp: localMinor,
      MaxTopUp: localMinor,
      Bundles: z.array(z.object({ ProductCode: z.string(), Name: z.string(), Value: localMinor })).optional(),
    }),
  ),
});

const confirmSchema = z.object({ NetworkName: z.string(), Confirmed: z.boolean() });

const rechargeSchema = z.object({
  TransactionId: z.string().min(1),
  NetworkName: z.string(),
  TopUpValue: localMinor,
  Currency: z.string().length(3),
  ChargedUsd: usdMinor,
});

export interface TopupNetwork {
  name: string;
  country: string | null;
  currency: string;
  minTopUp: Money;
  maxTopUp: Money;
  bundles: { productCode: string; name: string; value: Money }[];
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
  transactionId: string;
  networkName: string;
  topUp: Money;
  /** What the dealer wallet paid. */
  charged: Money;
}

function checkTarget(target: TopupTarget): void {
  checkNonEmpty(target.networkName, "networkName");
  const { contactNumber, simSerialNumber } = target;
  check((contactNumber === undefined) !== (simSerialNumber === undefined), "contactNumber", "give either contactNumber or simSerialNumber, not both");
  if (contactNumber !== undefined) check(/^\+[1-9]\d{6,14}$/.test(contactNumber), "contactNumber", "must be in international format, e.g. +447700900000");
  if (simSerialNumber !== undefined) check(/^\d{18,22}F?$/.test(simSerialNumber), "simSerialNumber", "must be an ICCID (18–22 digits)");
}

/**
 * Recharging existing SIMs. `recharge` only accepts a confirmation this
 * client issued, unused and fresh, so nothing is charged for a SIM nobody
 * checked exists.
 */
export class MeisimTopupApi {
  private readonly issued = new WeakMap<TopupConfirmation, number>();

  constructor(
    private readonly http: MeisimTransport,
    private readonly confirmationTtlMs: number,
  ) {}

  async networks(): Promise<TopupNetwork[]> {
    const body = await this.http.upstream(networks, networksSchema);
    return body.Networks.map((n) => {
      const currency = n.Currency.toUpperCase();
      const money = (amountMinor: number): Money => ({ amountMinor, currency });
      return {
        name: n.NetworkName,
        country: n.Country ?? null,
        currency,
        minTopUp: money(n.MinTopUp),
        maxTopUp: money(n.MaxTopUp),
        bundles: (n.Bundles ?? []).map((b) => ({ productCode: b.ProductCode, name: b.Name, value: money(b.Value) })),
      };
    });
  }

  /** Checks the SIM exists on the network; the result unlocks one `recharge`. */
  async confirm(target: TopupTarget): Promise<TopupConfirmation> {
    checkTarget(target);
    const body = await this.http.upstream(confirm, confirmSchema, { body: { ...target } });
    if (!body.Confirmed) throw new MeisimUpstreamError("POST /api/v1/topup/confirm", "NotConfirmed", `no such SIM on ${target.networkName}`);
    const confirmation: TopupConfirmation = Object.freeze({ ...target, confirmedAt: Date.now() });
    this.issued.set(confirmation, Date.now() + this.confirmationTtlMs);
    return confirmation;
  }

  async recharge(confirmation: TopupConfirmation, input: RechargeInput): Promise<RechargeResult> {
    const validUntil = this.issued.get(confirmation);
    check(validUntil !== undefined, "confirmation", "recharge needs a confirmation from confirm() on this client, used once");
    check(Date.now() <= validUntil!, "confirmation", "has expired; confirm the SIM again");
    checkIntegerRange(input.topUpMinor, "topUpMinor", 1, Number.MAX_SAFE_INTEGER);
    if (input.bundle) checkNonEmpty(input.bundle.productCode, "bundle.productCode");
    // Spent before sending: a recharge whose answer is lost must not be repeatable with it.
    this.issued.delete(confirmation);
    const body = await this.http.upstream(recharge, rechargeSchema, {
      body: {
        networkName: confirmation.networkName,
        contactNumber: confirmation.contactNumber,
        simSerialNumber: confirmation.simSerialNumber,
        topUpValue: toMajorUnits(input.topUpMinor, "topUpMinor"),
        bundleValue: input.bundle ? toMajorUnits(input.bundle.valueMinor, "bundle.valueMinor") : null,
        bundleProductCode: input.bundle?.productCode ?? null,
      },
    });
    const currency = body.Currency.toUpperCase();
    return {
      transactionId: body.TransactionId,
      networkName: body.NetworkName,
      topUp: { amountMinor: body.TopUpValue, currency },
      charged: { amountMinor: body.ChargedUsd, currency: "USD" },
    };
  }
}

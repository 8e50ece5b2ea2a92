import { OrderOutcomeUnknownError, ProviderFundsError } from "../errors";
import type { Availability, Money, OrderLookup, PlaceOrderInput, ProviderOrder } from "../types";
import type { MeisimOrderRecord } from "./account-api";
import type { MeisimClient } from "./client";
import { MeisimInsufficientBalanceError } from "./errors";
import { answerLost } from "./esim-api";
import { check, checkNonEmpty } from "./input";
import { dealerAddressOf } from "./wallet-api";

/**
 * MeiSIM products sold through POST /dealer/order ("Order from your
 * wallet"). The documents list no catalog for them: an admin adds each by
 * its productId, with the dealer cost they expect, and our plan's reference
 * is "dealer:<productId>" so it never collides with a bundle name.
 *
 * Readings (docs/providers.md, "Dealer products"):
 * - The answer carries `orderId` and `shortId` but no ICCID, LPA or status:
 *   MeiSIM emails the activation to `customerEmail`. The order is "with the
 *   provider" (pending) until an answer says it is active: its row in GET
 *   /api/v1/orders (by `id` = the orderId) with the document's status
 *   "completed". We show the short id and say the activation comes by email.
 * - The request has no reference field of ours, so a lost answer cannot be
 *   looked up (GET /api/v1/orders matches by customer_reference): such an
 *   order goes to review and is never sent again automatically.
 * - 402 means the wallet is short and nothing was placed.
 */
export const DEALER_PLAN_PREFIX = "dealer:";

/** MeiSIM's productId shape, as in the document's "p3:att-prepaid-30": a tier, a colon, a lower-case slug. */
export const DEALER_PRODUCT_ID = /^p\d+:[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const dealerPlanRef = (productId: string) => `${DEALER_PLAN_PREFIX}${productId}`;

/** The productId of a dealer product's plan reference; null for a bundle. */
export function dealerProductIdOf(planRef: string): string | null {
  return planRef.startsWith(DEALER_PLAN_PREFIX) ? planRef.slice(DEALER_PLAN_PREFIX.length) : null;
}

/** The dealer account is approved and its wallet covers `count` × the cost our catalog holds (no MeiSIM answer gives it). */
export async function dealerAvailability(
  client: MeisimClient,
  productId: string,
  count: number,
  cost: Money | undefined,
): Promise<Availability> {
  if (!cost) return { available: false, reason: "unknown_plan", detail: `No dealer cost is recorded for MeiSIM product ${productId}` };
  const [me, wallet] = await Promise.all([client.account.me(), client.wallet.wallet()]);
  if (me.status.trim().toLowerCase() !== "approved") {
    return { available: false, reason: "provider_account", detail: `The MeiSIM dealer account is ${me.status}, not approved` };
  }
  const needed = cost.amountMinor * count;
  if (wallet.balance.amountMinor < needed) {
    return {
      available: false,
      reason: "provider_funds",
      detail: `The MeiSIM wallet holds ${(wallet.balance.amountMinor / 100).toFixed(2)} USD; ${count} × ${productId} at the expected dealer cost needs ${(needed / 100).toFixed(2)} USD`,
    };
  }
  return { available: true };
}

/** One POST /dealer/order for the whole quantity; see the readings above for what each outcome means. */
export async function placeDealerOrder(client: MeisimClient, productId: string, input: PlaceOrderInput): Promise<ProviderOrder> {
  checkNonEmpty(input.customerEmail, "customerEmail");
  check(input.customer !== undefined, "customerName", "is required by /dealer/order");
  const { customerName, imei, eid, address } = input.customer!;
  const what = `POST /dealer/order for ${productId} (our order ${input.otherOrderId})`;
  try {
    const placed = await client.wallet.order({
      productId,
      customerEmail: input.customerEmail!,
      customerName,
      quantity: input.itemIds.length,
      ...(imei === undefined ? {} : { imei }),
      ...(eid === undefined ? {} : { eid }),
      ...(address === undefined ? {} : { address: dealerAddressOf(address) }),
    });
    return {
      provider: "meisim",
      providerOrderRef: placed.orderId,
      providerShortRef: placed.shortId,
      otherOrderId: input.otherOrderId,
      // The answer has no status: the order is with MeiSIM until its history says it is completed.
      status: "pending",
      esims: [],
      emailedByProvider: true,
      charged: placed.total,
    };
  } catch (err) {
    if (err instanceof MeisimInsufficientBalanceError) {
      throw new ProviderFundsError("meisim", `${what}: the dealer wallet is short (402)`, err);
    }
    if (answerLost(err)) throw new OrderOutcomeUnknownError("meisim", what, err);
    throw err;
  }
}

/** Why a dealer order whose answer was lost cannot be looked up. */
export function dealerOrderLookup(productId: string): OrderLookup {
  return {
    outcome: "unknown",
    reason: `The answer to POST /dealer/order (${productId}) was lost. That request takes no reference of ours, so MeiSIM's order history cannot tell whether it was placed, and it is never sent again automatically: check the dealer wallet's transactions or the MeiSIM portal, then record it, place it again with a reason, or refund.`,
  };
}

/**
 * A placed dealer order (we hold its orderId) as MeiSIM's history shows it:
 * the row whose `id` is the orderId. "completed" (the document's status) is
 * active; no row yet is still with the provider (pending: MeiSIM answered
 * the order, so it exists); any other status cannot be read either way.
 */
export function dealerOrderInHistory(rows: readonly MeisimOrderRecord[], orderId: string, otherOrderId: string): OrderLookup {
  const row = rows.find((r) => r.id === orderId);
  const status = row?.status.trim().toLowerCase();
  if (row && status !== "completed") {
    return {
      outcome: "unknown",
      reason: `MeiSIM's order history shows dealer order ${orderId} with status "${row.status}"; the document shows only "completed", so whether it is active cannot be told. Check it in the MeiSIM portal.`,
    };
  }
  const order: ProviderOrder = {
    provider: "meisim",
    providerOrderRef: orderId,
    otherOrderId,
    status: row ? "active" : "pending",
    esims: [],
    emailedByProvider: true,
    charged: row ? row.amount : null,
  };
  return { outcome: "found", order, raw: row ?? null };
}

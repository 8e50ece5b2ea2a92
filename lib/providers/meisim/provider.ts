import "server-only";
import { log as rootLog, type Logger } from "../../log";
import { describeProviderFailure, InstallUnreadableError, OrderOutcomeUnknownError, ProviderError, ProviderFundsError } from "../errors";
import type {
  Availability,
  CancelResult,
  DeliveredEsim,
  EsimProvider,
  EsimUsage,
  ListedOrder,
  Money,
  OrderList,
  OrderLookup,
  OrderLookupInput,
  OtherItemId,
  PlaceOrderInput,
  ProgressFn,
  ProviderOrder,
  ProviderOrderStatus,
  ProviderPlan,
  RenewInput,
} from "../types";
import { ORDER_HISTORY_WINDOW, type MeisimOrderRecord } from "./account-api";
import { fetchCatalog } from "./catalog";
import type { MeisimClient } from "./client";
import {
  MeisimForbiddenError,
  MeisimInsufficientBalanceError,
  MeisimNotConfiguredError,
  MeisimNotFoundError,
  MeisimOrderOutcomeUnknownError,
  MeisimPartialOrderError,
  MeisimUnauthorizedError,
} from "./errors";
import { dealerAvailability, dealerOrderInHistory, dealerOrderLookup, dealerProductIdOf, placeDealerOrder } from "./dealer-products";
import { installFromLpa, type MeisimEsimOrder } from "./esim-api";
import { check, checkIntegerRange, checkNonEmpty } from "./input";
import type { MeisimBundle } from "./normalise";

/** Most eSIMs one storefront order may ask for: the document's 1–20 for /dealer/order. */
export const MEISIM_MAX_QUANTITY = 20;

/**
 * Our clock and MeiSIM's may disagree: a history row counts as older than
 * the attempt only when it is older by this much.
 */
const CLOCK_SKEW_MS = 2 * 60_000;

/** The one order status the document shows in GET /api/v1/orders: the order was placed. */
const COMPLETED = "completed";

/** A history row's status word, as compared. */
const statusWord = (row: MeisimOrderRecord) => row.status.trim().toLowerCase();

/**
 * A history row's status for reconciliation. "completed" (the document's
 * word) is a live order; "revoked" is what our own revoke leaves. Any other
 * word the document does not list may still be a live order: it reads as
 * pending (held, never as failed or absent).
 */
function listedStatus(row: MeisimOrderRecord): ProviderOrderStatus {
  const word = statusWord(row);
  if (word === COMPLETED) return "active";
  if (word === "revoked") return "cancelled";
  return "pending";
}

interface PlacedCard {
  itemId: OtherItemId;
  order: MeisimEsimOrder;
}

const delivered = (card: PlacedCard): DeliveredEsim => ({ ...card.order.install, otherItemId: card.itemId });

/** The storefront's view of cards placed one request each. */
function placedOrder(otherOrderId: string, cards: readonly PlacedCard[]): ProviderOrder {
  const charges = cards.map((c) => c.order.charged);
  const allCharged = charges.length > 0 && charges.every((c) => c !== null);
  const [first] = cards;
  return {
    provider: "meisim",
    // The document's order answer carries no order id; the first card's ICCID stands in for it then.
    providerOrderRef: first ? (first.order.orderId ?? first.order.install.iccid) : "",
    otherOrderId,
    status: "active",
    esims: cards.map(delivered),
    charged: allCharged ? { amountMinor: charges.reduce((sum, c) => sum + c!.amountMinor, 0), currency: charges[0]!.currency } : null,
  };
}

/**
 * MeiSIM behind the storefront's provider contract. One MeiSIM order is one
 * eSIM: an order of N eSIMs is N MeiSIM orders, sent one after the other,
 * each with its item id as `customerReference`.
 */
export class MeisimProvider implements EsimProvider {
  readonly id = "meisim" as const;
  readonly displayName = "MeiSIM";
  readonly maxQuantity = MEISIM_MAX_QUANTITY;
  private readonly log: Logger;
  private readonly catalogTtlMs: number;
  /** Bundles by name, for availability checks: from the last catalog, or the unfiltered list alone. */
  private index: { fetchedAt: number; bundles: Map<string, MeisimBundle> } | null = null;

  constructor(
    readonly client: MeisimClient,
    options: { catalogTtlMs?: number; logger?: Logger } = {},
  ) {
    this.catalogTtlMs = options.catalogTtlMs ?? 15 * 60_000;
    this.log = options.logger ?? rootLog.child({ provider: "meisim" });
  }

  /** The whole catalog; see ./catalog for how coverage is learnt when bundles do not state it. */
  async listPlans(options: { onProgress?: ProgressFn } = {}): Promise<ProviderPlan[]> {
    const catalog = await fetchCatalog(this.client.esim, this.log, options.onProgress);
    this.index = { fetchedAt: Date.now(), bundles: catalog.bundles };
    return catalog.plans;
  }

  /**
   * The plan exists, the dealer account is approved, and the wallet covers
   * `count` of it at the dealer price (a dealer product's: `catalogWholesale`).
   */
  async checkAvailability(planRef: string, count: number, catalogWholesale?: Money): Promise<Availability> {
    if (!Number.isInteger(count) || count < 1 || count > MEISIM_MAX_QUANTITY) {
      return { available: false, reason: "quantity", detail: `MeiSIM orders take 1 to ${MEISIM_MAX_QUANTITY} eSIMs, not ${count}` };
    }
    try {
      const productId = dealerProductIdOf(planRef);
      if (productId) return await dealerAvailability(this.client, productId, count, catalogWholesale);
      const bundle = await this.findBundle(planRef);
      if (!bundle) return { available: false, reason: "unknown_plan", detail: `MeiSIM does not list bundle ${planRef}` };
      const [me, wallet] = await Promise.all([this.client.account.me(), this.client.wallet.wallet()]);
      if (me.status.trim().toLowerCase() !== "approved") {
        return { available: false, reason: "provider_account", detail: `The MeiSIM dealer account is ${me.status}, not approved` };
      }
      const needed = bundle.price.amountMinor * count;
      if (wallet.balance.amountMinor < needed) {
        return {
          available: false,
          reason: "provider_funds",
          detail: `The MeiSIM wallet holds ${(wallet.balance.amountMinor / 100).toFixed(2)} USD; ${count} × ${planRef} needs ${(needed / 100).toFixed(2)} USD`,
        };
      }
      return { available: true };
    } catch (err) {
      if (err instanceof MeisimForbiddenError || err instanceof MeisimUnauthorizedError || err instanceof MeisimNotConfiguredError) {
        return { available: false, reason: "provider_account", detail: describeProviderFailure(err) };
      }
      if (err instanceof ProviderError) return { available: false, reason: "unavailable", detail: describeProviderFailure(err) };
      throw err;
    }
  }

  /**
   * One /api/v1/esim/order per item id, in order, `customerReference` = the
   * item id; nothing is read first. Returns every card, or throws:
   * - the refusal itself when the first card is refused (nothing placed);
   * - MeisimPartialOrderError when a later card is refused (`order` holds the
   *   placed cards, `notPlaced` the rest);
   * A dealer product ("dealer:<productId>") is one POST /dealer/order for the
   * whole quantity instead (./dealer-products).
   * - MeisimOrderOutcomeUnknownError (an OrderOutcomeUnknownError) when a
   *   card's answer is lost or says Success without a readable install:
   *   `partial` were placed, `lostItemId` is unknown, `notSent` never went.
   */
  async placeOrder(input: PlaceOrderInput): Promise<ProviderOrder> {
    checkNonEmpty(input.planRef, "planRef");
    checkNonEmpty(input.otherOrderId, "otherOrderId");
    checkIntegerRange(input.itemIds.length, "itemIds.length", 1, MEISIM_MAX_QUANTITY);
    input.itemIds.forEach((itemId, i) => checkNonEmpty(itemId, `itemIds[${i}]`));
    check(new Set(input.itemIds).size === input.itemIds.length, "itemIds", "must be distinct: each is one card's customerReference");
    const productId = dealerProductIdOf(input.planRef);
    if (productId) return placeDealerOrder(this.client, productId, input);
    const cards: PlacedCard[] = [];
    for (const [i, itemId] of input.itemIds.entries()) {
      try {
        const order = await this.client.esim.order({
          bundleName: input.planRef,
          customerReference: itemId,
          emailAddress: input.customerEmail,
        });
        cards.push({ itemId, order });
      } catch (err) {
        const notSent = input.itemIds.slice(i + 1);
        if (err instanceof OrderOutcomeUnknownError) {
          this.log.error("meisim: card outcome unknown", {
            otherOrderId: input.otherOrderId,
            lostItemId: itemId,
            placed: cards.length,
            notSent,
          });
          const what = `MeiSIM order ${input.otherOrderId}, card ${i + 1} of ${input.itemIds.length} (${itemId})`;
          // A card placed with an unreadable install stays the cause, so the caller holds the order rather than looking it up.
          const cause = err instanceof InstallUnreadableError ? err : (err.cause ?? err);
          throw new MeisimOrderOutcomeUnknownError(what, cause, cards.map(delivered), itemId, notSent);
        }
        // 402: the dealer wallet is short and nothing was placed for this card (the document's meaning).
        const refusal =
          err instanceof MeisimInsufficientBalanceError
            ? new ProviderFundsError("meisim", `POST /api/v1/esim/order for ${itemId}: the dealer wallet is short (402)`, err)
            : err;
        if (cards.length > 0) {
          this.log.error("meisim: order partly placed, then refused", {
            otherOrderId: input.otherOrderId,
            placed: cards.length,
            refusedItemId: itemId,
            err,
          });
          throw new MeisimPartialOrderError(placedOrder(input.otherOrderId, cards), input.itemIds.slice(i), refusal);
        }
        throw refusal;
      }
    }
    this.log.info("meisim: order placed", { otherOrderId: input.otherOrderId, esims: cards.length });
    return placedOrder(input.otherOrderId, cards);
  }

  /**
   * Looks the item ids up in GET /api/v1/orders (the last 100 orders), by
   * `customer_reference` (or, for orders placed before item ids, our order
   * id), then each found card's install in /esim/details. Throws only for a
   * failure that may pass (timeout, connection, 5xx, 429), so the caller asks
   * again later; see OrderLookup for what each outcome allows.
   */
  async findOrder(input: OrderLookupInput): Promise<OrderLookup> {
    check(input.itemIds.length > 0, "itemIds", "at least one item id to look for");
    const productId = input.planRef === undefined ? null : dealerProductIdOf(input.planRef);
    if (productId && !input.providerOrderRef) return dealerOrderLookup(productId);
    let rows: MeisimOrderRecord[];
    try {
      rows = await this.client.account.orders();
    } catch (err) {
      // A failure that may pass (timeout, connection, 5xx, 429) is not an answer: the caller asks again later.
      if (!(err instanceof ProviderError) || err.retryable) throw err;
      return {
        outcome: "unknown",
        reason: `MeiSIM's order history (GET /api/v1/orders) could not be read: ${describeProviderFailure(err)}`,
      };
    }
    if (productId) return dealerOrderInHistory(rows, input.providerOrderRef!, input.otherOrderId);
    const esimRows = rows.filter((r) => r.type.toLowerCase() !== "topup");
    // Only the document's "completed" proves a placed order; a row of ours with another status cannot be read either way.
    const unreadable = esimRows.filter(
      (r) =>
        statusWord(r) !== COMPLETED &&
        r.customerReference !== null &&
        (input.itemIds.includes(r.customerReference) || r.customerReference === input.otherOrderId),
    );
    if (unreadable.length > 0) {
      return {
        outcome: "unknown",
        reason: `MeiSIM's order history holds ${unreadable.map((r) => `order ${r.id} (${r.customerReference}) with status "${r.status}"`).join(", ")}; the document shows only "completed", so whether it was placed cannot be told. Check it in the MeiSIM portal.`,
      };
    }
    const live = esimRows.filter((r) => statusWord(r) === COMPLETED);
    const matched = new Map<OtherItemId, MeisimOrderRecord>();
    for (const itemId of input.itemIds) {
      const hits = live.filter((r) => r.customerReference === itemId);
      if (hits.length > 1)
        this.log.warn("meisim: several live orders carry one item id; the newest counts", { itemId, orders: hits.map((r) => r.id) });
      if (hits[0]) matched.set(itemId, hits[0]);
    }
    // Orders placed before per-card references carry our order id: oldest first, they fill the item ids in order.
    const legacy = live.filter((r) => r.customerReference === input.otherOrderId).reverse();
    for (const itemId of input.itemIds) {
      if (matched.has(itemId)) continue;
      const row = legacy.shift();
      if (!row) break;
      matched.set(itemId, row);
    }
    // An order an admin names by MeiSIM's id or its ICCID (one placed without our reference): it fills the first item still missing.
    const named = input.providerOrderRef
      ? live.find((r) => (r.id === input.providerOrderRef || r.iccid === input.providerOrderRef) && r.customerReference === null)
      : undefined;
    const firstMissing = input.itemIds.find((itemId) => !matched.has(itemId));
    if (named && firstMissing && ![...matched.values()].includes(named)) matched.set(firstMissing, named);

    const found: { itemId: OtherItemId; row: MeisimOrderRecord; esim: DeliveredEsim }[] = [];
    const unknown: string[] = [];
    for (const [itemId, row] of matched) {
      if (!row.iccid) {
        unknown.push(`MeiSIM order ${row.id} (${itemId}) exists, but the order history gives no ICCID for it`);
        continue;
      }
      try {
        const details = await this.client.esim.details(row.iccid);
        if (details.lpa) found.push({ itemId, row, esim: { ...installFromLpa(row.iccid, details.lpa), otherItemId: itemId } });
        else {
          unknown.push(
            `MeiSIM order ${row.id} (ICCID ${row.iccid}, ${itemId}) exists, but the documented API returns no activation code for it: /api/v1/esim/details gives activation state, usage and expiry only, and the order answer that carried the QR code was lost; ask MeiSIM support to resend it (the dealer portal's resend-email for order ${row.id})`,
          );
        }
      } catch (err) {
        if (!(err instanceof ProviderError) || err.retryable) throw err;
        unknown.push(
          `MeiSIM order ${row.id} (ICCID ${row.iccid}, ${itemId}) exists, but its details could not be read: ${describeProviderFailure(err)}`,
        );
      }
    }

    const missing = input.itemIds.filter((itemId) => !matched.has(itemId));
    if (missing.length > 0 && rows.length >= ORDER_HISTORY_WINDOW) {
      const oldest = Math.min(...rows.map((r) => Date.parse(r.createdAt)));
      if (oldest > input.attemptedAt.getTime() - CLOCK_SKEW_MS) {
        unknown.push(
          `${missing.join(", ")} not among MeiSIM's last ${ORDER_HISTORY_WINDOW} orders, but that 100-order window only reaches back to ${new Date(oldest).toISOString()}, after the attempt at ${input.attemptedAt.toISOString()}: whether they were placed cannot be looked up`,
        );
      }
    }

    if (unknown.length > 0) {
      const meanwhile =
        found.length > 0 ? `; found with install: ${found.map((f) => `${f.itemId} → ICCID ${f.row.iccid}`).join(", ")}` : "";
      return { outcome: "unknown", reason: unknown.join("; ") + meanwhile };
    }
    if (found.length === 0) return { outcome: "absent" };
    const ordered = input.itemIds.flatMap((itemId) => found.filter((f) => f.itemId === itemId));
    const amounts = ordered.map((f) => f.row.amount);
    const order: ProviderOrder = {
      provider: "meisim",
      providerOrderRef: ordered[0]!.row.id,
      otherOrderId: input.otherOrderId,
      status: "active",
      esims: ordered.map((f) => f.esim),
      charged: { amountMinor: amounts.reduce((sum, a) => sum + a.amountMinor, 0), currency: "USD" },
    };
    return { outcome: "found", order, raw: ordered.map((f) => f.row) };
  }

  /**
   * The documented history, GET /api/v1/orders: the last 100 orders (eSIM
   * and top-up), newest first; each eSIM order is one card. When it holds
   * fewer than 100, it holds every order the account placed; otherwise only
   * those since its oldest (less the clock skew we allow).
   */
  async listOrders(): Promise<OrderList> {
    const rows = await this.client.account.orders();
    const orders: ListedOrder[] = rows
      .filter((r) => r.type.toLowerCase() !== "topup")
      .map((r) => ({
        providerOrderRef: r.id,
        reference: r.customerReference,
        iccid: r.iccid,
        status: listedStatus(r),
        createdAt: r.createdAt,
      }));
    const oldest = Math.min(...rows.map((r) => Date.parse(r.createdAt)));
    return { orders, completeSince: rows.length >= ORDER_HISTORY_WINDOW ? new Date(oldest + CLOCK_SKEW_MS) : null };
  }

  /** A dealer product's POST /dealer/order takes no reference of ours, so its order cannot be told apart in the history. */
  listsOrdersOf(planRef: string): boolean {
    return dealerProductIdOf(planRef) === null;
  }

  async getUsage(iccids: string[], options: { onProgress?: ProgressFn } = {}): Promise<EsimUsage[]> {
    const usage: EsimUsage[] = [];
    // One details call per ICCID; the client's limiter paces them under the read limit.
    for (const iccid of iccids) {
      usage.push(await this.usageOf(iccid));
      options.onProgress?.({ done: usage.length, total: iccids.length, note: iccid });
    }
    this.log.info("meisim: usage fetched", { esims: iccids.length });
    return usage;
  }

  async listRenewalPlans(_iccid: string): Promise<ProviderPlan[]> {
    return [];
  }

  async renew(input: RenewInput): Promise<ProviderOrder> {
    throw new ProviderError("meisim", `MeiSIM cannot renew eSIM ${input.iccid}: its API has no bundle top-up for eSIMs`, {
      code: "UNSUPPORTED",
      hint: "Sell a new eSIM instead; MeiSIM plans are not renewable.",
    });
  }

  /**
   * Revokes each eSIM in `iccids` that was never installed; one already
   * revoked counts as cancelled. Every card is checked before any is
   * revoked, so an installed one stops the whole request with nothing done.
   * MeiSIM documents no refund for a revoke; plans are sold as not
   * cancellable, so this is for an operator's own decisions.
   */
  async cancel(order: { providerOrderRef: string; iccids: string[]; allIccids: string[] }): Promise<CancelResult> {
    check(order.iccids.length > 0, "iccids", "at least one ICCID to cancel");
    const toRevoke: string[] = [];
    for (const iccid of order.iccids) {
      const esim = await this.client.esim.details(iccid);
      if (esim.state === "disabled" || esim.state === "deleted") continue;
      if (esim.state !== "not_installed") {
        throw new ProviderError("meisim", `eSIM ${iccid} is ${esim.rawState}; only eSIMs not yet installed can be cancelled`, {
          code: "NOT_CANCELLABLE",
          hint: "The customer has installed or used this eSIM.",
        });
      }
      toRevoke.push(iccid);
    }
    const revoked: string[] = [];
    for (const iccid of toRevoke) {
      try {
        await this.client.esim.revoke(iccid);
        revoked.push(iccid);
      } catch (err) {
        if (revoked.length === 0) throw err;
        throw new ProviderError("meisim", `Revoked ${revoked.join(", ")}, then revoking ${iccid} failed: ${describeProviderFailure(err)}`, {
          code: "PARTIALLY_CANCELLED",
          hint: "Check the remaining eSIMs' state before trying again.",
          cause: err,
        });
      }
    }
    this.log.info("meisim: eSIMs revoked", { iccids: revoked, providerOrderRef: order.providerOrderRef });
    const all = order.allIccids.every((iccid) => order.iccids.includes(iccid));
    return { status: all ? "cancelled" : "partially_cancelled" };
  }

  private async usageOf(iccid: string): Promise<EsimUsage> {
    try {
      const d = await this.client.esim.details(iccid);
      return { iccid, state: d.state, usedMb: d.usedMb, totalMb: d.totalMb, startedAt: d.activatedAt, expiresAt: d.expiresAt };
    } catch (err) {
      if (!(err instanceof MeisimNotFoundError)) throw err;
      this.log.warn("meisim: eSIM unknown upstream", { iccid });
      return { iccid, state: "unknown", usedMb: 0, totalMb: null, startedAt: null, expiresAt: null };
    }
  }

  /** A bundle by name from a fresh index: the last catalog, else the unfiltered list alone (cheap), else the whole catalog. */
  private async findBundle(planRef: string): Promise<MeisimBundle | undefined> {
    if (!this.index || Date.now() - this.index.fetchedAt > this.catalogTtlMs) {
      const walk = await this.client.esim.allBundles({});
      if (walk.bundles.length > 0) this.index = { fetchedAt: Date.now(), bundles: new Map(walk.bundles.map((b) => [b.name, b])) };
      else await this.listPlans();
    }
    return this.index!.bundles.get(planRef);
  }
}

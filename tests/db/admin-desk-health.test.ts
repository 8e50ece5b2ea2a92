/**
 * The order desk's per-card cancellation and one-submit admin forms, the
 * provider health figures (rate-limit headroom from the MeiSIM client's own
 * counters, the dealer wallet's low-balance alert level), and the MeiSIM
 * client taking the dealer key an admin stored through the OTP flow.
 */
import { afterAll, describe, expect, it } from "vitest";
import { onceForRequest } from "@/lib/admin/request-once";
import { verifyDealerOtp } from "@/lib/admin/meisim-tools";
import { payOrderFromWallet } from "@/lib/billing/wallet-payment";
import { db } from "@/lib/db/client";
import { OrderStatus, PaymentMethod, Role } from "@/lib/generated/prisma/client";
import { AfterSaleError, cancelCard } from "@/lib/orders/after-sale";
import { fulfilPaidOrder } from "@/lib/orders/fulfilment";
import { createOrder } from "@/lib/orders/orders";
import { DEALER_KEY, forgetCachedDealerKey } from "@/lib/providers/credential-store";
import { ProviderTimeoutError } from "@/lib/providers/errors";
import {
  dealerWalletStatus,
  isLowBalance,
  lowBalanceAlertMinor,
  providerHealthRows,
  rateHeadroom,
  saveLowBalanceAlert,
} from "@/lib/providers/health";
import { MeisimUnauthorizedError } from "@/lib/providers/meisim/errors";
import { RateLimiter } from "@/lib/providers/meisim/sliding-window";
import { meisimClient } from "@/lib/providers/registry";
import { adjustWallet } from "@/lib/wallet/adjustments";
import {
  catalogPlan,
  createCustomer,
  meisimDemoDealer,
  orderWithEsims,
  providersPerFile,
  requestsTo,
  type CatalogPlanSpec,
} from "../support/providers";

const world = providersPerFile({ PROVIDER_TIMEOUT_MS: "2000", MEISIM_WALLET_LOW_BALANCE_MINOR: "2500" });

const JAPAN_1GB: CatalogPlanSpec = { provider: "mioesim", planRef: "26:261", cancellable: true, priceMinor: 699 };
const JAPAN_10GB_NON_REFUNDABLE: CatalogPlanSpec = { provider: "mioesim", planRef: "26:264", priceMinor: 2599 };
const REFUND_PATH = "/api_esim/refundOrder";
const FUNDING_MINOR = 10_000;

async function admin(reason = "Customer asked by phone") {
  const user = await createCustomer("desk-admin", Role.ADMIN);
  return { actorId: user.id, reason, origin: { ip: "203.0.113.7", userAgent: "vitest" } };
}

/** A two-card order paid from the wallet and delivered by the MIOeSIM simulator. */
async function twoCardOrder(spec: CatalogPlanSpec, quantity = 2) {
  const user = await createCustomer("desk-buyer");
  const actor = await admin("Funding");
  const plan = await catalogPlan(spec);
  await adjustWallet({ userId: user.id, amountMinor: FUNDING_MINOR, reason: "Test funding", authorId: actor.actorId });
  const { otherOrderId } = await createOrder({ userId: user.id, planId: plan.id, quantity, paymentMethod: PaymentMethod.WALLET });
  await payOrderFromWallet(user.id, otherOrderId);
  await fulfilPaidOrder(otherOrderId);
  const order = await orderWithEsims(otherOrderId);
  expect(order.status).toBe(OrderStatus.FULFILLED);
  expect(order.esims).toHaveLength(quantity);
  return { user, order, priceMinor: spec.priceMinor! };
}

const walletBalance = async (userId: string) => (await db().wallet.findUniqueOrThrow({ where: { userId } })).balanceMinor;

describe("cancelling one card of an order", () => {
  it("cancels the card upstream, refunds that card alone, and a second submit only finds it done", async () => {
    const { user, order, priceMinor } = await twoCardOrder(JAPAN_1GB);
    const [first, second] = order.esims.map((e) => e.iccid) as [string, string];
    const actor = await admin();
    const refundsBefore = requestsTo(world.mioesim, REFUND_PATH);
    const balanceBefore = await walletBalance(user.id);

    // MIOeSIM accepts the partial cancellation but is still processing it (status 7): nothing is refunded yet.
    await expect(cancelCard(order.otherOrderId, first, actor)).resolves.toBe("pending");
    expect(await orderWithEsims(order.otherOrderId)).toMatchObject({ status: OrderStatus.FULFILLED, refunds: [] });
    await expect(cancelCard(order.otherOrderId, first, actor)).resolves.toBe("pending");
    expect(requestsTo(world.mioesim, REFUND_PATH)).toBe(refundsBefore + 1);

    // Once MIOeSIM settles it (status 4), sending the form again completes the card without cancelling again.
    world.mioesim.state.settleRefunds();
    await expect(cancelCard(order.otherOrderId, first, actor)).resolves.toBe("cancelled");

    const after = await orderWithEsims(order.otherOrderId);
    expect(after.status).toBe(OrderStatus.PARTIALLY_REFUNDED);
    expect(after.esims.find((e) => e.iccid === first)!.cancelledAt).not.toBeNull();
    expect(after.esims.find((e) => e.iccid === second)!.cancelledAt).toBeNull();
    expect(after.refunds).toEqual([expect.objectContaining({ esimIccid: first, amountMinor: priceMinor, status: "SUCCEEDED" })]);
    expect(await walletBalance(user.id)).toBe(balanceBefore + priceMinor);
    expect(requestsTo(world.mioesim, REFUND_PATH)).toBe(refundsBefore + 1);
    const audit = await db().auditLog.findFirstOrThrow({ where: { entityId: order.otherOrderId, action: "order.card_cancelled" } });
    expect(audit).toMatchObject({ actorId: actor.actorId, details: expect.objectContaining({ reason: actor.reason, iccid: first }) });

    // The same form sent again: nothing goes upstream and nothing more is refunded.
    await expect(cancelCard(order.otherOrderId, first, actor)).resolves.toBe("cancelled");
    expect(requestsTo(world.mioesim, REFUND_PATH)).toBe(refundsBefore + 1);
    expect((await orderWithEsims(order.otherOrderId)).refunds).toHaveLength(1);
    expect(await walletBalance(user.id)).toBe(balanceBefore + priceMinor);
  });

  it("refuses, without asking the provider to cancel: a plan sold as not cancellable, a one-card order, a card in use, a card not on the order", async () => {
    const actor = await admin();
    const nonCancellable = await twoCardOrder(JAPAN_10GB_NON_REFUNDABLE);
    const oneCard = await twoCardOrder(JAPAN_1GB, 1);
    const inUse = await twoCardOrder(JAPAN_1GB);
    world.mioesim.state.activateCard(inUse.order.esims[0]!.iccid);
    const refundsBefore = requestsTo(world.mioesim, REFUND_PATH);

    await expect(cancelCard(nonCancellable.order.otherOrderId, nonCancellable.order.esims[0]!.iccid, actor)).rejects.toThrow(
      /cannot be cancelled under its policy/,
    );
    await expect(cancelCard(oneCard.order.otherOrderId, oneCard.order.esims[0]!.iccid, actor)).rejects.toThrow(/cancelled as a whole/);
    await expect(cancelCard(inUse.order.otherOrderId, inUse.order.esims[0]!.iccid, actor)).rejects.toThrow(/in use/);
    await expect(cancelCard(inUse.order.otherOrderId, nonCancellable.order.esims[0]!.iccid, actor)).rejects.toBeInstanceOf(AfterSaleError);

    expect(requestsTo(world.mioesim, REFUND_PATH)).toBe(refundsBefore);
    for (const { order } of [nonCancellable, oneCard, inUse])
      expect(await orderWithEsims(order.otherOrderId)).toMatchObject({ status: OrderStatus.FULFILLED, refunds: [] });
  });
});

describe("a form sent twice", () => {
  it("runs its action once per rendering and action; a refusal frees the key, a lost answer keeps it", async () => {
    const { actorId } = await admin();
    const key = crypto.randomUUID();
    let runs = 0;
    const work = async () => ++runs;

    expect(await onceForRequest({ key, action: "meisim.order.replace", actorId }, work)).toEqual({ first: true, value: 1 });
    expect(await onceForRequest({ key, action: "meisim.order.replace", actorId }, work)).toEqual({ first: false });
    // Another action of the same rendering is its own request.
    expect(await onceForRequest({ key, action: "meisim.order.revoke", actorId }, work)).toEqual({ first: true, value: 2 });
    expect(runs).toBe(2);

    const refusedKey = crypto.randomUUID();
    const refuse = () => Promise.reject(new Error("That card is not on this order."));
    await expect(onceForRequest({ key: refusedKey, action: "meisim.order.replace", actorId }, refuse)).rejects.toThrow();
    expect(await onceForRequest({ key: refusedKey, action: "meisim.order.replace", actorId }, work)).toEqual({ first: true, value: 3 });

    const lostKey = crypto.randomUUID();
    const lose = () => Promise.reject(new ProviderTimeoutError("meisim", "POST /dealer/replace/1", 2000));
    await expect(onceForRequest({ key: lostKey, action: "meisim.order.replace", actorId }, lose)).rejects.toThrow();
    expect(await onceForRequest({ key: lostKey, action: "meisim.order.replace", actorId }, work)).toEqual({ first: false });
    expect(runs).toBe(3);
  });
});

describe("provider health", () => {
  it("computes MeiSIM rate-limit headroom from the client's own counters against the documented limits", async () => {
    const limiter = new RateLimiter();
    for (let i = 0; i < 3; i++) await limiter.acquire("read");
    await limiter.acquire("order");
    const headroom = rateHeadroom(limiter.usage());
    expect(headroom.find((h) => h.group === "read")).toMatchObject({ used: 3, limit: 60, remaining: 57, windowMinutes: 1 });
    expect(headroom.find((h) => h.group === "order")).toMatchObject({ used: 1, limit: 30, remaining: 29 });
    expect(headroom.find((h) => h.group === "login")).toMatchObject({ used: 0, limit: 8, remaining: 8, windowMinutes: 15 });
    expect(rateHeadroom([{ group: "revoke", used: 12, limit: 10, windowMs: 60_000 }])[0]!.remaining).toBe(0);

    const readsBefore = (await providerHealthRows()).find((r) => r.name === "MeiSIM")!.rateLimit;
    const usedBefore = Array.isArray(readsBefore) ? readsBefore.find((h) => h.group === "read")!.used : NaN;
    await meisimClient().account.me();
    const rows = await providerHealthRows();
    const mei = rows.find((r) => r.name === "MeiSIM")!;
    expect(Array.isArray(mei.rateLimit) && mei.rateLimit.find((h) => h.group === "read")!.used).toBe(usedBefore + 1);
    expect(mei.health.lastSuccessAt).not.toBeNull();
    expect(rows.find((r) => r.name === "MIOeSIM")!.rateLimit).toMatch(/Not documented/);
  });

  it("alerts under the low-balance level: the environment's until an admin saves one, audited", async () => {
    const actor = await admin("Raise the alert before the holidays");
    expect(isLowBalance(2499, 2500)).toBe(true);
    expect(isLowBalance(2500, 2500)).toBe(false);
    await db().providerSettings.deleteMany();
    expect(await lowBalanceAlertMinor()).toEqual({ minor: 2500, source: "environment" });

    const balance = meisimDemoDealer(world.meisim).balanceCents;
    await saveLowBalanceAlert(balance + 1, actor);
    expect(await lowBalanceAlertMinor()).toEqual({ minor: balance + 1, source: "saved" });
    expect(await dealerWalletStatus()).toMatchObject({ ok: true, low: true, alertMinor: balance + 1, balance: { amountMinor: balance } });
    await saveLowBalanceAlert(balance, actor);
    expect(await dealerWalletStatus()).toMatchObject({ ok: true, low: false });
    const audit = await db().auditLog.findFirstOrThrow({
      where: { action: "providers.low_balance_alert_set", actorId: actor.actorId },
      orderBy: { createdAt: "desc" },
    });
    expect(audit.details).toMatchObject({ reason: actor.reason, fromMinor: balance + 1, toMinor: balance });
    await expect(saveLowBalanceAlert(-1, actor)).rejects.toThrow(RangeError);
    await db().providerSettings.deleteMany();
  });
});

describe("the stored dealer key", () => {
  const dealer = () => meisimDemoDealer(world.meisim);
  let configuredKey: string | undefined;

  afterAll(async () => {
    if (configuredKey) dealer().apiKey = configuredKey;
    await db().meisimCredential.deleteMany({ where: { name: DEALER_KEY } });
    forgetCachedDealerKey();
  });

  it("is what the MeiSIM client sends once an admin rotated it through the OTP flow", async () => {
    await db().meisimCredential.deleteMany({ where: { name: DEALER_KEY } });
    forgetCachedDealerKey();
    configuredKey = dealer().apiKey;
    await expect(meisimClient().account.me()).resolves.toMatchObject({ email: dealer().email });

    // MeiSIM issues a new key: the configured one stops working.
    dealer().apiKey = `dk_rotated_${crypto.randomUUID().replaceAll("-", "")}`;
    await expect(meisimClient().account.me()).rejects.toBeInstanceOf(MeisimUnauthorizedError);

    const email = dealer().email;
    await meisimClient().auth.sendOtp(email);
    const { apiKey } = await verifyDealerOtp({ email, code: world.meisim.state.lastOtp(email)! }, await admin("Rotate the dealer key"));
    expect(apiKey).toBe(dealer().apiKey);

    await expect(meisimClient().account.me()).resolves.toMatchObject({ email });
    await expect(providerHealthRows()).resolves.toContainEqual(
      expect.objectContaining({ name: "MeiSIM", session: expect.stringMatching(/obtained by OTP/) }),
    );
  });
});

/**
 * MeiSIM dealer products (POST /dealer/order) from the admin's listing to a
 * delivered or refunded order, against the MeiSIM simulator's strict dialect.
 */
import { describe, expect, it } from "vitest";
import { createOrderCheckout } from "@/lib/billing/checkout";
import { payOrderFromWallet } from "@/lib/billing/wallet-payment";
import { saveDealerProduct } from "@/lib/catalog/dealer-products";
import { db } from "@/lib/db/client";
import { OrderStatus, PaymentMethod, Role } from "@/lib/generated/prisma/client";
import { parseActivationDetails } from "@/lib/orders/activation-details";
import { fulfilPaidOrder, retryFulfilment } from "@/lib/orders/fulfilment";
import { ActivationDetailsMissingError, createOrder } from "@/lib/orders/orders";
import { adjustWallet } from "@/lib/wallet/adjustments";
import { billingWorldPerFile, walletState } from "../support/fake-stripe";
import { createCustomer, meisimDemoDealer, orderWithEsims, requestsTo } from "../support/providers";
import { formOf, US_PREPAID_FORM } from "../support/us-prepaid";

const billing = billingWorldPerFile({ PROVIDER_TIMEOUT_MS: "1000" }, "strict");
const sim = () => billing.providers.meisim;

const PRODUCT = "p3:att-prepaid-30";
const DEALER_ORDER_PATH = "/dealer/order";

let planId: string;
async function dealerPlan(): Promise<string> {
  if (planId) return planId;
  const admin = await createCustomer("dealer-admin", Role.ADMIN);
  ({ planId } = await saveDealerProduct(
    {
      productId: PRODUCT,
      name: "AT&T Prepaid, 30 days",
      country: "US",
      priceMinor: 39_99,
      dealerCostMinor: 25_00,
      days: 30,
      dataMb: null,
      usPrepaid: true,
    },
    { actorId: admin.id, reason: "Selling AT&T prepaid" },
  ));
  return planId;
}

/** A wallet-funded customer with an order of the product awaiting payment. */
async function pendingOrder(tag: string) {
  const admin = await createCustomer(`${tag}-admin`, Role.ADMIN);
  const user = await createCustomer(tag);
  await adjustWallet({ userId: user.id, amountMinor: 100_00, reason: "Test funding", authorId: admin.id });
  const details = parseActivationDetails(formOf(US_PREPAID_FORM), true);
  if (!details.ok) throw new Error("fixture details refused");
  const order = await createOrder({
    userId: user.id,
    planId: await dealerPlan(),
    paymentMethod: PaymentMethod.WALLET,
    activationDetails: details.details,
  });
  return { user, order };
}

/** Runs `body` with the dealer wallet emptied, then puts the money back. */
async function withDealerWalletEmpty<T>(body: () => Promise<T>): Promise<T> {
  const dealer = meisimDemoDealer(sim());
  const balance = dealer.balanceCents;
  sim().state.debit(dealer, balance, "Test: empty the dealer wallet");
  try {
    return await body();
  } finally {
    sim().state.credit(dealer, balance, "topup", "Test: refill the dealer wallet");
  }
}

describe("MeiSIM dealer products", { timeout: 30_000 }, () => {
  it("an admin's product is a plan of its destination, priced by hand, with the reason audited", async () => {
    const plan = await db().plan.findUniqueOrThrow({
      where: { id: await dealerPlan() },
      include: { destination: true, dealerProduct: true },
    });
    expect(plan).toMatchObject({
      provider: "meisim",
      planRef: `dealer:${PRODUCT}`,
      priceMinor: 39_99,
      wholesaleMinor: 25_00,
      priceOverridden: true,
      active: true,
      dealerProduct: { usPrepaid: true },
    });
    expect(plan.destination.countryCodes).toEqual(["US"]);
    const audit = await db().auditLog.findFirstOrThrow({ where: { entityType: "DealerProduct", entityId: PRODUCT } });
    expect(audit.details).toMatchObject({ reason: "Selling AT&T prepaid" });
  });

  it("refuses bad activation details, and an order without them, changing nothing", async () => {
    const user = await createCustomer("dealer-refused");
    const ordersBefore = await db().order.count();
    const bad = parseActivationDetails(formOf({ ...US_PREPAID_FORM, imei: "12345", zipCode: "ABCDE" }), true);
    expect(bad.ok).toBe(false);
    expect(bad.ok === false && Object.keys(bad.fieldErrors).sort()).toEqual(["imei", "zipCode"]);
    await expect(createOrder({ userId: user.id, planId: await dealerPlan(), paymentMethod: PaymentMethod.CARD })).rejects.toBeInstanceOf(
      ActivationDetailsMissingError,
    );
    await expect(
      createOrder({
        userId: user.id,
        planId: await dealerPlan(),
        paymentMethod: PaymentMethod.CARD,
        activationDetails: { customerName: "Jane Doe" },
      }),
    ).rejects.toBeInstanceOf(ActivationDetailsMissingError);
    expect(await db().order.count()).toBe(ordersBefore);
  });

  it("a dealer wallet short of the cost refuses card and wallet payment before any money moves", async () => {
    const { user, order } = await pendingOrder("dealer-short");
    const sessionsBefore = billing.fake.state.sessions.size;
    const placements = requestsTo(sim(), DEALER_ORDER_PATH);
    await withDealerWalletEmpty(async () => {
      await expect(createOrderCheckout(user.id, order.otherOrderId)).rejects.toMatchObject({ code: "plan_unavailable" });
      await expect(payOrderFromWallet(user.id, order.otherOrderId)).rejects.toMatchObject({ code: "plan_unavailable" });
    });
    expect(billing.fake.state.sessions.size).toBe(sessionsBefore);
    expect(await db().checkoutSession.count({ where: { orderId: order.otherOrderId } })).toBe(0);
    expect((await walletState(user.id)).balanceMinor).toBe(100_00);
    expect((await orderWithEsims(order.otherOrderId)).status).toBe(OrderStatus.PENDING_PAYMENT);
    expect(requestsTo(sim(), DEALER_ORDER_PATH)).toBe(placements);
  });

  it("a paid order is placed once through /dealer/order with the documented fields and delivered with MeiSIM's short id", async () => {
    const { user, order } = await pendingOrder("dealer-paid");
    const dealer = meisimDemoDealer(sim());
    const upstreamBefore = sim().state.ordersOf(dealer).length;
    const placements = requestsTo(sim(), DEALER_ORDER_PATH);
    await payOrderFromWallet(user.id, order.otherOrderId);
    await fulfilPaidOrder(order.otherOrderId);
    await fulfilPaidOrder(order.otherOrderId);

    const done = await orderWithEsims(order.otherOrderId);
    expect(done.status).toBe(OrderStatus.FULFILLED);
    expect(done.esims).toEqual([]);
    expect(done.providerShortRef).toMatch(/\S/);
    expect(requestsTo(sim(), DEALER_ORDER_PATH)).toBe(placements + 1);
    const upstream = sim().state.ordersOf(dealer);
    expect(upstream).toHaveLength(upstreamBefore + 1);
    const placed = upstream.find((o) => o.shortId === done.providerShortRef)!;
    expect(placed).toMatchObject({ id: done.providerOrderRef, bundleName: PRODUCT, emailAddress: user.email, amountCents: 25_00 });
    expect((await walletState(user.id)).balanceMinor).toBe(100_00 - 39_99);
  });

  it("a lost answer goes to review with the reason and is never sent again, even on an admin's retry", async () => {
    const { user, order } = await pendingOrder("dealer-lost");
    await payOrderFromWallet(user.id, order.otherOrderId);
    const placements = requestsTo(sim(), DEALER_ORDER_PATH);
    sim().sim.faults.hangAfterProcessing = 1;
    await fulfilPaidOrder(order.otherOrderId);
    const reviewed = await orderWithEsims(order.otherOrderId);
    expect(reviewed.status).toBe(OrderStatus.NEEDS_REVIEW);
    expect(reviewed.reviewReason).toMatch(/takes no reference of ours/);
    await retryFulfilment(order.otherOrderId);
    expect((await orderWithEsims(order.otherOrderId)).status).toBe(OrderStatus.NEEDS_REVIEW);
    expect(requestsTo(sim(), DEALER_ORDER_PATH)).toBe(placements + 1);
  });

  it("a 402 at placement (the wallet ran short after payment) refunds the customer once and places nothing", async () => {
    const { user, order } = await pendingOrder("dealer-race");
    await payOrderFromWallet(user.id, order.otherOrderId);
    const dealer = meisimDemoDealer(sim());
    const upstreamBefore = sim().state.ordersOf(dealer).length;
    await withDealerWalletEmpty(async () => {
      await fulfilPaidOrder(order.otherOrderId);
      await fulfilPaidOrder(order.otherOrderId);
    });
    const after = await orderWithEsims(order.otherOrderId);
    expect(after.status).toBe(OrderStatus.REFUNDED);
    expect(after.refunds).toHaveLength(1);
    expect(after.refunds[0]!.amountMinor).toBe(39_99);
    expect((await walletState(user.id)).balanceMinor).toBe(100_00);
    expect(sim().state.ordersOf(dealer)).toHaveLength(upstreamBefore);
  });
});

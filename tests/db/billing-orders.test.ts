import { describe, expect, it } from "vitest";
import { createOrderCheckout } from "@/lib/billing/checkout";
import { BillingError } from "@/lib/billing/errors";
import { fulfilOrderCheckout, fulfilWalletTopUp } from "@/lib/billing/fulfil";
import { payOrderFromWallet } from "@/lib/billing/wallet-payment";
import { db } from "@/lib/db/client";
import { Role } from "@/lib/generated/prisma/client";
import { adjustWallet } from "@/lib/wallet/adjustments";
import {
  billingWorldPerFile,
  fulfilmentJobsFor,
  completedEventOf,
  createPendingOrder,
  createUser,
  walletState,
} from "../support/fake-stripe";

const world = billingWorldPerFile();

async function fund(userId: string, amountMinor: number) {
  const admin = await createUser(Role.ADMIN);
  await adjustWallet({ userId, amountMinor, reason: "Test funding", authorId: admin.id });
}

const orderRow = (otherOrderId: string) => db().order.findUniqueOrThrow({ where: { otherOrderId } });

describe("paying for an order by card", () => {
  it("opens a session for the order's own amount, named after the order", async () => {
    const user = await createUser();
    const order = await createPendingOrder(user.id, 1899);
    const checkout = await createOrderCheckout(user.id, order.otherOrderId);
    const session = await world.stripe.checkout.sessions.retrieve(checkout.sessionId);

    expect(session.amount_total).toBe(1899);
    expect(session.currency).toBe("usd");
    expect(session.client_reference_id).toBe(order.otherOrderId);
    expect(session.metadata).toEqual({ purpose: "ORDER", userId: user.id, orderId: order.otherOrderId });
    expect(session.cancel_url).toBe(`http://shop.test/checkout/cancelled?order=${order.otherOrderId}`);
  });

  it("sends the customer back to the session still open instead of opening a second one", async () => {
    const user = await createUser();
    const order = await createPendingOrder(user.id, 1899);
    const first = await createOrderCheckout(user.id, order.otherOrderId);
    const again = await createOrderCheckout(user.id, order.otherOrderId);
    expect(again).toEqual(first);

    await world.fake.expireSession(first.sessionId);
    const fresh = await createOrderCheckout(user.id, order.otherOrderId);
    expect(fresh.sessionId).not.toBe(first.sessionId);
  });

  it("refuses another customer's order and an order not awaiting payment", async () => {
    const owner = await createUser();
    const stranger = await createUser();
    const order = await createPendingOrder(owner.id, 1000);
    await expect(createOrderCheckout(stranger.id, order.otherOrderId)).rejects.toMatchObject({ code: "order_not_found" });

    const checkout = await createOrderCheckout(owner.id, order.otherOrderId);
    await world.fake.completeSession(checkout.sessionId);
    await expect(createOrderCheckout(owner.id, order.otherOrderId)).rejects.toMatchObject({ code: "order_not_payable" });
  });

  it("marks the order PAID by card once and starts fulfilment, however often the payment is reported", async () => {
    const user = await createUser();
    const order = await createPendingOrder(user.id, 2450);
    const checkout = await createOrderCheckout(user.id, order.otherOrderId);
    await world.fake.completeSession(checkout.sessionId);
    const completed = completedEventOf(world.fake, checkout.sessionId);
    await world.fake.redeliver(completed.id, 3);
    await fulfilOrderCheckout(checkout.sessionId, { ownerId: user.id });

    const paid = await orderRow(order.otherOrderId);
    expect(paid).toMatchObject({ status: "PAID", paymentMethod: "CARD" });
    expect(paid.paidAt).not.toBeNull();
    expect(await db().auditLog.count({ where: { action: "order.paid", entityId: order.otherOrderId } })).toBe(1);
    expect(await fulfilmentJobsFor(order.otherOrderId)).toBe(1);
    // Nothing reaches the wallet: the card paid for the order.
    expect((await walletState(user.id)).entries).toEqual([]);
  });

  it("keeps a card payment that lands after the order was paid from the wallet as wallet credit", async () => {
    const user = await createUser();
    await fund(user.id, 5000);
    const order = await createPendingOrder(user.id, 2000);
    const checkout = await createOrderCheckout(user.id, order.otherOrderId);
    await payOrderFromWallet(user.id, order.otherOrderId);
    await world.fake.completeSession(checkout.sessionId);

    expect(await orderRow(order.otherOrderId)).toMatchObject({ status: "PAID", paymentMethod: "WALLET" });
    const wallet = await walletState(user.id);
    expect(wallet.entries.map((e) => [e.kind, e.amountMinor])).toEqual([
      ["ADJUSTMENT", 5000],
      ["ORDER_DEBIT", -2000],
      ["TOPUP", 2000],
    ]);
    expect(wallet.balanceMinor).toBe(5000);
  });

  it("does not fulfil an order through the top-up success page", async () => {
    const user = await createUser();
    const order = await createPendingOrder(user.id, 1000);
    const checkout = await createOrderCheckout(user.id, order.otherOrderId);
    await world.fake.completeSession(checkout.sessionId, { webhook: false });

    expect(await fulfilWalletTopUp(checkout.sessionId, { ownerId: user.id })).toBeNull();
    expect((await orderRow(order.otherOrderId)).status).toBe("PENDING_PAYMENT");
  });
});

describe("paying for an order from the wallet", () => {
  it("debits once and marks the order PAID, even when paid twice at the same moment", async () => {
    const user = await createUser();
    await fund(user.id, 3000);
    const order = await createPendingOrder(user.id, 1200, "WALLET");

    const [first, second] = await Promise.all([
      payOrderFromWallet(user.id, order.otherOrderId),
      payOrderFromWallet(user.id, order.otherOrderId),
    ]);

    expect(second.id).toBe(first.id);
    expect(first).toMatchObject({ kind: "ORDER_DEBIT", amountMinor: -1200, balanceAfterMinor: 1800, orderId: order.otherOrderId });
    const wallet = await walletState(user.id);
    expect(wallet.balanceMinor).toBe(1800);
    expect(wallet.ledgerSumMinor).toBe(1800);
    expect(await orderRow(order.otherOrderId)).toMatchObject({ status: "PAID", paymentMethod: "WALLET" });
    expect(await fulfilmentJobsFor(order.otherOrderId)).toBe(1);
  });

  it("refuses a payment the balance does not cover, with the figures, and changes nothing", async () => {
    const user = await createUser();
    await fund(user.id, 500);
    const order = await createPendingOrder(user.id, 1200, "WALLET");

    await expect(payOrderFromWallet(user.id, order.otherOrderId)).rejects.toThrow(
      new BillingError("insufficient_funds", "Your wallet holds $5.00 and this order costs $12.00. Top up your wallet or pay by card."),
    );
    expect((await orderRow(order.otherOrderId)).status).toBe("PENDING_PAYMENT");
    expect((await walletState(user.id)).balanceMinor).toBe(500);
    expect(await fulfilmentJobsFor(order.otherOrderId)).toBe(0);
  });

  it("refuses another customer's order", async () => {
    const owner = await createUser();
    const stranger = await createUser();
    await fund(stranger.id, 5000);
    const order = await createPendingOrder(owner.id, 1000, "WALLET");
    await expect(payOrderFromWallet(stranger.id, order.otherOrderId)).rejects.toMatchObject({ code: "order_not_found" });
    expect((await walletState(stranger.id)).balanceMinor).toBe(5000);
  });
});

/**
 * Receipts: one per order payment (card or wallet) and one per refund that
 * went through, however often the payment or the refund is reported.
 */
import { describe, expect, it } from "vitest";
import { createOrderCheckout } from "@/lib/billing/checkout";
import { fulfilOrderCheckout } from "@/lib/billing/fulfil";
import { refundOrder } from "@/lib/billing/refunds";
import { payOrderFromWallet } from "@/lib/billing/wallet-payment";
import { db } from "@/lib/db/client";
import { Role } from "@/lib/generated/prisma/client";
import { adjustWallet } from "@/lib/wallet/adjustments";
import { billingWorldPerFile, completedEventOf, createPendingOrder, createUser, eventually } from "../support/fake-stripe";

const world = billingWorldPerFile();

const emailsTo = (to: string) => db().emailMessage.findMany({ where: { to }, orderBy: { createdAt: "asc" } });

describe("receipts", () => {
  it("sends one receipt for a card payment reported by the webhook, again and again, and by the success page", async () => {
    const user = await createUser();
    const order = await createPendingOrder(user.id, 2450);
    const checkout = await createOrderCheckout(user.id, order.otherOrderId);
    await world.fake.completeSession(checkout.sessionId);
    await world.fake.redeliver(completedEventOf(world.fake, checkout.sessionId).id, 2);
    await fulfilOrderCheckout(checkout.sessionId, { ownerId: user.id });

    const receipts = await eventually(async () => {
      const found = (await emailsTo(user.email)).filter((m) => m.kind === "receipt.payment");
      expect(found).toHaveLength(1);
      return found;
    });
    expect(receipts[0]).toMatchObject({
      subject: `Receipt for order ${order.otherOrderId}`,
      dedupeKey: `receipt.payment:${order.otherOrderId}`,
    });
    expect(receipts[0]!.text).toContain("$24.50");
    expect(receipts[0]!.text).toMatch(/Paid with\s+Card/);
    expect(receipts[0]!.html).toContain("Payment receipt");
  });

  it("sends one receipt for a wallet payment and one for its refund, however often each is asked", async () => {
    const [user, admin] = await Promise.all([createUser(), createUser(Role.ADMIN)]);
    await adjustWallet({ userId: user.id, amountMinor: 5000, reason: "Test funding", authorId: admin.id });
    const order = await createPendingOrder(user.id, 1800, "WALLET");
    await payOrderFromWallet(user.id, order.otherOrderId);
    await payOrderFromWallet(user.id, order.otherOrderId);
    await Promise.all([
      refundOrder(order.otherOrderId, { actorId: admin.id, reason: "Customer changed plans" }),
      refundOrder(order.otherOrderId, { actorId: admin.id, reason: "Clicked twice" }),
    ]);
    await refundOrder(order.otherOrderId, { actorId: admin.id, reason: "And once more" });

    const emails = await emailsTo(user.email);
    expect(emails.map((m) => m.kind)).toEqual(["receipt.payment", "receipt.refund"]);
    const [payment, refund] = emails as [(typeof emails)[0], (typeof emails)[0]];
    expect(payment.text).toContain("$18.00");
    expect(payment.text).toMatch(/Paid with\s+Wallet/);
    expect(refund.subject).toBe(`Refund for order ${order.otherOrderId}`);
    expect(refund.text).toMatch(/Amount refunded\s+\$18\.00/);
    // What the admin wrote is for the team, not the customer.
    expect(refund.text).not.toContain("Customer changed plans");
  });

  it("sends the refund receipt for a card refund once Stripe confirms it, not before", async () => {
    const user = await createUser();
    const order = await createPendingOrder(user.id, 1500);
    const checkout = await createOrderCheckout(user.id, order.otherOrderId);
    await world.fake.completeSession(checkout.sessionId);
    await fulfilOrderCheckout(checkout.sessionId, { ownerId: user.id });

    world.fake.keepRefundsPending(true);
    const refund = await refundOrder(order.otherOrderId, { actorId: null, reason: "Provider out of stock" }).finally(() =>
      world.fake.keepRefundsPending(false),
    );
    expect(refund.status).toBe("SENT");
    const refundReceipts = async () => (await emailsTo(user.email)).filter((m) => m.kind === "receipt.refund");
    expect(await refundReceipts()).toEqual([]);

    await world.fake.settleRefund(refund.stripeRefundId!, "succeeded");

    const receipts = await eventually(async () => {
      const found = await refundReceipts();
      expect(found).toHaveLength(1);
      return found;
    });
    expect(await db().refund.findUniqueOrThrow({ where: { id: refund.id } })).toMatchObject({ status: "SUCCEEDED" });
    expect(receipts[0]).toMatchObject({ dedupeKey: `receipt.refund:${refund.id}` });
    expect(receipts[0]!.text).toContain("$15.00");
    expect(receipts[0]!.text).toMatch(/Refunded to\s+Card/);
  });
});

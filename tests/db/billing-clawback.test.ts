/**
 * Money cannot leave through the back door: a top-up refunded or disputed in
 * Stripe takes its credit back out of the wallet (even below zero, holding
 * the wallet), a won dispute restores it, and a dispute on an order's
 * payment flags the order. Real webhooks from the fake Stripe.
 */
import { describe, expect, it } from "vitest";
import { createOrderCheckout, createTopUpCheckout } from "@/lib/billing/checkout";
import { payOrderFromWallet } from "@/lib/billing/wallet-payment";
import { db } from "@/lib/db/client";
import { adjustWallet, releaseWalletHold } from "@/lib/wallet/adjustments";
import { Role } from "@/lib/generated/prisma/client";
import { billingWorldPerFile, eventually, createPendingOrder, createUser, walletState } from "../support/fake-stripe";

const world = billingWorldPerFile();

async function toppedUp(creditMinor: number) {
  const user = await createUser();
  const checkout = await createTopUpCheckout({ userId: user.id, creditMinor, requestKey: `k-${Math.random()}` });
  await world.fake.completeSession(checkout.sessionId);
  const session = await db().checkoutSession.findUniqueOrThrow({ where: { id: checkout.sessionId } });
  expect((await walletState(user.id)).balanceMinor).toBe(creditMinor);
  return { user, paymentIntentId: session.paymentIntentId! };
}

/** Spends from the wallet on an order of `amountMinor`. */
async function spend(userId: string, amountMinor: number) {
  const order = await createPendingOrder(userId, amountMinor, "WALLET");
  await payOrderFromWallet(userId, order.otherOrderId);
}

const wallet = (userId: string) => db().wallet.findUniqueOrThrow({ where: { userId } });
const kinds = async (userId: string) => (await walletState(userId)).entries.map((e) => [e.kind, e.amountMinor, e.balanceAfterMinor]);

describe("a top-up refunded in Stripe", () => {
  it("takes its credit back, once, however often the event comes", async () => {
    const { user, paymentIntentId } = await toppedUp(3000);
    await world.stripe.refunds.create({ payment_intent: paymentIntentId });
    await eventually(async () => expect((await walletState(user.id)).balanceMinor).toBe(0));
    const refunded = world.fake.events("charge.refunded").at(-1)!;
    await world.fake.redeliver(refunded.id, 3);

    expect(await kinds(user.id)).toEqual([
      ["TOPUP", 3000, 3000],
      ["CLAWBACK", -3000, 0],
    ]);
    expect((await wallet(user.id)).heldAt).toBeNull();
    const state = await walletState(user.id);
    expect(state.ledgerSumMinor).toBe(state.balanceMinor);
  });

  it("takes back each partial refund's share only", async () => {
    const { user, paymentIntentId } = await toppedUp(4000);
    await world.stripe.refunds.create({ payment_intent: paymentIntentId, amount: 1000 });
    await eventually(async () => expect((await walletState(user.id)).balanceMinor).toBe(3000));
    await world.stripe.refunds.create({ payment_intent: paymentIntentId, amount: 500 });
    await eventually(async () => expect((await walletState(user.id)).balanceMinor).toBe(2500));
    expect((await kinds(user.id)).map(([kind, amount]) => [kind, amount])).toEqual([
      ["TOPUP", 4000],
      ["CLAWBACK", -1000],
      ["CLAWBACK", -500],
    ]);
  });

  it("holds a wallet whose credit was already spent: a negative balance on the record, no more spending, an admin alert", async () => {
    const { user, paymentIntentId } = await toppedUp(2000);
    await spend(user.id, 1500);
    await world.stripe.refunds.create({ payment_intent: paymentIntentId });

    await eventually(async () => expect((await walletState(user.id)).balanceMinor).toBe(-1500));
    expect((await wallet(user.id)).heldAt).not.toBeNull();
    expect(await db().auditLog.count({ where: { action: "wallet.held", entityId: user.id } })).toBe(1);
    // Credit given by support does not make it spendable by itself.
    const admin = await createUser(Role.ADMIN);
    await adjustWallet({ userId: user.id, amountMinor: 2000, reason: "Customer paid the difference", authorId: admin.id });
    await expect(spend(user.id, 100)).rejects.toMatchObject({ code: "wallet_held" });
    expect((await walletState(user.id)).balanceMinor).toBe(500);

    expect(await releaseWalletHold({ userId: user.id, reason: "Settled with the customer", authorId: admin.id })).toBe(true);
    await spend(user.id, 100);
    expect((await walletState(user.id)).balanceMinor).toBe(400);
  });

  it("cannot release a wallet that is still below zero", async () => {
    const { user, paymentIntentId } = await toppedUp(1000);
    await spend(user.id, 1000);
    await world.stripe.refunds.create({ payment_intent: paymentIntentId });
    await eventually(async () => expect((await walletState(user.id)).balanceMinor).toBe(-1000));
    const admin = await createUser(Role.ADMIN);
    expect(await releaseWalletHold({ userId: user.id, reason: "Trying anyway", authorId: admin.id })).toBe(false);
    expect((await wallet(user.id)).heldAt).not.toBeNull();
  });
});

describe("a disputed top-up", () => {
  it("takes the credit back when the funds are withdrawn and restores it when the dispute is won", async () => {
    const { user, paymentIntentId } = await toppedUp(2500);
    const dispute = await world.fake.openDispute(paymentIntentId);
    await eventually(async () => expect((await walletState(user.id)).balanceMinor).toBe(0));

    await world.fake.closeDispute(dispute.id, "won");
    await eventually(async () => expect((await walletState(user.id)).balanceMinor).toBe(2500));
    // Every dispute event again, in reverse: nothing more is posted.
    for (const event of world.fake
      .events()
      .filter((e) => e.type.startsWith("charge.dispute."))
      .reverse())
      await world.fake.redeliver(event.id);

    const entries = (await walletState(user.id)).entries;
    expect(entries.map((e) => [e.kind, e.amountMinor])).toEqual([
      ["TOPUP", 2500],
      ["CLAWBACK", -2500],
      ["CLAWBACK_REVERSAL", 2500],
    ]);
    expect(entries[1]!.stripeRef).toBe(`dispute:${dispute.id}:withdrawn`);
    expect(entries[1]!.description).toContain(dispute.id);
  });

  it("keeps the credit taken back when the dispute is lost, holding a wallet that had spent it", async () => {
    const { user, paymentIntentId } = await toppedUp(1800);
    await spend(user.id, 1000);
    const dispute = await world.fake.openDispute(paymentIntentId);
    await world.fake.closeDispute(dispute.id, "lost");

    await eventually(async () => expect((await walletState(user.id)).balanceMinor).toBe(-1000));
    expect((await wallet(user.id)).heldReason).toContain(dispute.id);
    expect((await kinds(user.id)).filter(([kind]) => kind === "CLAWBACK")).toHaveLength(1);
  });
});

describe("a disputed order payment", () => {
  it("flags the order for admins with the dispute's status, and changes no wallet", async () => {
    const user = await createUser();
    const order = await createPendingOrder(user.id, 1900);
    const checkout = await createOrderCheckout(user.id, order.otherOrderId);
    await world.fake.completeSession(checkout.sessionId);
    const { paymentIntentId } = await db().checkoutSession.findUniqueOrThrow({ where: { id: checkout.sessionId } });

    const dispute = await world.fake.openDispute(paymentIntentId!);
    await eventually(async () =>
      expect(await db().order.findUniqueOrThrow({ where: { otherOrderId: order.otherOrderId } })).toMatchObject({
        disputeId: dispute.id,
        disputeStatus: "needs_response",
      }),
    );
    await world.fake.closeDispute(dispute.id, "lost");
    await eventually(async () =>
      expect((await db().order.findUniqueOrThrow({ where: { otherOrderId: order.otherOrderId } })).disputeStatus).toBe("lost"),
    );

    expect(await db().auditLog.count({ where: { action: "order.disputed", entityId: order.otherOrderId } })).toBe(2);
    expect((await walletState(user.id)).entries).toEqual([]);
  });
});

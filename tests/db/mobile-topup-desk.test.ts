/**
 * Mobile top-ups resolved from the admin desk, against the strict MeiSIM
 * simulator: out of review from MeiSIM's own history (recorded as recharged,
 * or refunded), and refunds, each done once however often it is sent.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { onceForRequest } from "@/lib/admin/request-once";
import { db } from "@/lib/db/client";
import { Role } from "@/lib/generated/prisma/client";
import { rechargeCandidates, recordUpstreamRecharge } from "@/lib/topup/desk";
import { rechargeTopup } from "@/lib/topup/recharge";
import { refundTopup } from "@/lib/topup/refund";
import { openTopupCheckout, payTopupFromWallet, startMobileTopup } from "@/lib/topup/topups";
import { billingWorldPerFile, createUser, eventually, walletState } from "../support/fake-stripe";
import { customerWithWallet, loseNextRechargeAnswer, PRICE_MINOR, topupInput as input, topupRow } from "../support/mobile-topups";

const world = billingWorldPerFile({ PROVIDER_TIMEOUT_MS: "1500" }, "strict");
const sim = () => world.providers.meisim;

// Files share the database, and each file's simulator numbers its orders from 1 again: MeiSIM ids
// that other files' top-ups claimed would hide this file's recharges from the candidates.
beforeAll(async () => {
  await db().mobileTopup.updateMany({ where: { rechargeRef: { not: null } }, data: { rechargeRef: null } });
});

describe("resolving a top-up from the admin desk", () => {
  /** A wallet-paid top-up whose recharge answer was lost after MeiSIM made it: in review, one candidate in the history. */
  async function inReview() {
    const user = await customerWithWallet(5000);
    const admin = await createUser(Role.ADMIN);
    const topup = await startMobileTopup(input({ user: { id: user.id, email: user.email } }));
    await payTopupFromWallet(user.id, topup.id);
    loseNextRechargeAnswer(world);
    await rechargeTopup(topup.id);
    expect(await topupRow(topup.id)).toMatchObject({ status: "NEEDS_REVIEW", failureReason: null });
    return { user, admin, topup, upstreamId: sim().state.orders.at(-1)!.id };
  }

  it("records the recharge MeiSIM's history shows, after checking the row, once", async () => {
    const { admin, topup, upstreamId } = await inReview();
    const by = { actorId: admin.id, reason: "MeiSIM portal shows the recharge" };
    const candidates = await rechargeCandidates(await topupRow(topup.id));
    expect(candidates.ok && candidates.rows.map((r) => r.id)).toEqual([upstreamId]);

    await expect(recordUpstreamRecharge(topup.id, "ord_not_there", by)).rejects.toMatchObject({ name: "TopupDeskError" });
    expect((await topupRow(topup.id)).status).toBe("NEEDS_REVIEW");

    expect(await recordUpstreamRecharge(topup.id, upstreamId, by)).toBe("recorded");
    expect(await recordUpstreamRecharge(topup.id, upstreamId, by)).toBe("already_recorded");
    const done = await topupRow(topup.id);
    expect(done).toMatchObject({ status: "RECHARGED", rechargeRef: upstreamId, reviewReason: null });
    expect(done.events.filter((e) => e.event === "upstream_recharge_recorded")).toHaveLength(1);
    const audit = await db().auditLog.findFirstOrThrow({
      where: { entityId: topup.id, action: "mobile_topup.upstream_recharge_recorded" },
    });
    expect(audit).toMatchObject({ actorId: admin.id, details: expect.objectContaining({ reason: by.reason, historyId: upstreamId }) });
  });

  it("refuses a row another top-up already claimed", async () => {
    const first = await inReview();
    await recordUpstreamRecharge(first.topup.id, first.upstreamId, { actorId: first.admin.id, reason: "Checked at MeiSIM" });
    const second = await inReview();
    await expect(
      recordUpstreamRecharge(second.topup.id, first.upstreamId, { actorId: second.admin.id, reason: "Wrong row" }),
    ).rejects.toThrow(/another top-up has not claimed/);
    expect((await topupRow(second.topup.id)).status).toBe("NEEDS_REVIEW");
  });

  it("refunds one not recharged to the wallet, once per form, however often it is sent", async () => {
    const { user, admin, topup } = await inReview();
    const requestKey = randomUUID();
    const send = () =>
      onceForRequest({ key: requestKey, action: "mobile_topup.desk.refund", actorId: admin.id }, () =>
        refundTopup(topup.id, "MeiSIM shows no such recharge", admin.id),
      );

    const [a, b] = await Promise.all([send(), send()]);
    expect([a, b].filter((r) => r.first)).toEqual([{ first: true, value: true }]);
    // Another rendering of the form, after the refund: the lifecycle refuses a second one.
    expect(await refundTopup(topup.id, "Again", admin.id)).toBe(false);

    expect(await topupRow(topup.id)).toMatchObject({ status: "REFUNDED", refundMethod: "WALLET", refundStatus: "SUCCEEDED" });
    const wallet = await walletState(user.id);
    expect(wallet.entries.filter((e) => e.kind === "REFUND_CREDIT").map((e) => e.amountMinor)).toEqual([PRICE_MINOR]);
    expect(wallet.balanceMinor).toBe(5000);
    await expect(recordUpstreamRecharge(topup.id, "anything", { actorId: admin.id, reason: "Too late" })).rejects.toThrow(/in review/);
  });

  it("refunds a recharged card top-up through Stripe once, and never one being recharged", async () => {
    const admin = await createUser(Role.ADMIN);
    const topup = await startMobileTopup(input());
    const { checkoutSessionId } = await topupRow((await openTopupCheckout(topup.id), topup.id));
    await world.fake.completeSession(checkoutSessionId!);
    await eventually(async () => expect((await topupRow(topup.id)).status).toBe("PAID"));
    await db().mobileTopup.update({ where: { id: topup.id }, data: { status: "RECHARGING" } });
    expect(await refundTopup(topup.id, "Customer asked", admin.id)).toBe(false);
    await db().mobileTopup.update({ where: { id: topup.id }, data: { status: "PAID" } });
    await rechargeTopup(topup.id);
    expect((await topupRow(topup.id)).status).toBe("RECHARGED");

    expect(await refundTopup(topup.id, "Goodwill: the customer's phone was lost", admin.id)).toBe(true);
    expect(await refundTopup(topup.id, "Goodwill again", admin.id)).toBe(false);

    const done = await topupRow(topup.id);
    expect(done).toMatchObject({ status: "REFUNDED", refundMethod: "CARD", refundStatus: "SUCCEEDED" });
    const refunds = [...world.fake.state.refunds.values()].filter((r) => r.payment_intent === done.paymentIntentId);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ amount: PRICE_MINOR, id: done.stripeRefundId });
  });
});

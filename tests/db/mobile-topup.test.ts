import { afterEach, describe, expect, it } from "vitest";
import { clientKey } from "@/lib/auth/rate-limit";
import { db } from "@/lib/db/client";
import { handlers } from "@/lib/jobs/handlers";
import { rechargeTopup } from "@/lib/topup/recharge";
import { openTopupCheckout, payTopupFromWallet, startMobileTopup, TopupError, type StartTopupInput } from "@/lib/topup/topups";
import { billingWorldPerFile, createUser, eventually, walletState } from "../support/fake-stripe";
import {
  CONFIRM,
  customerWithWallet,
  loseNextRechargeAnswer,
  newClient,
  PRICE_MINOR,
  RECHARGE,
  topupInput,
  topupRow,
} from "../support/mobile-topups";
import { meisimDemoDealer, requestsTo } from "../support/providers";

// The strict dialect: MeiSIM answers only in the shapes its document shows (no limits, no charge in the recharge answer).
const world = billingWorldPerFile({ PROVIDER_TIMEOUT_MS: "1500" }, "strict");
const sim = () => world.providers.meisim;

const input = topupInput;

/** The dealer wallet runs dry after the quote, so MeiSIM refuses the recharge with 402. */
function emptyDealerWallet() {
  const dealer = meisimDemoDealer(sim());
  const before = dealer.balanceCents;
  dealer.balanceCents = 0;
  return () => void (dealer.balanceCents = before);
}
let restore: (() => void) | null = null;
afterEach(() => {
  restore?.();
  restore = null;
});

describe("quoting a mobile top-up", () => {
  it("refuses bad input without asking MeiSIM or recording anything", async () => {
    const before = await db().mobileTopup.count();
    const cases: [Partial<StartTopupInput>, string][] = [
      [{ target: "07700 900123" }, "target"],
      [{ target: "+44" }, "target"],
      [{ targetKind: "serial", target: "1234" }, "target"],
      [{ networkName: "Nowhere-Mobile" }, "networkName"],
      [{ faceValue: "20.50" }, "faceValue"],
      [{ faceValue: "0" }, "faceValue"],
      [{ faceValue: "lots" }, "faceValue"],
      [{ email: null }, "email"],
    ];
    for (const [overrides, field] of cases) {
      await expect(startMobileTopup(input(overrides))).rejects.toMatchObject({ name: "TopupError", field });
    }
    expect(await db().mobileTopup.count()).toBe(before);
    expect(requestsTo(sim(), CONFIRM)).toBe(0);
    expect(requestsTo(sim(), RECHARGE)).toBe(0);
  });

  it("confirms the SIM exists before quoting, and quotes nothing for a SIM MeiSIM does not know", async () => {
    const sessionsBefore = world.fake.state.sessions.size;
    const missing = input({ target: "+447700909999" });
    await expect(startMobileTopup(missing)).rejects.toMatchObject({ code: "sim_not_found", field: "target" });
    expect(await db().mobileTopup.count({ where: { email: missing.email! } })).toBe(0);

    const confirmsBefore = requestsTo(sim(), CONFIRM);
    const topup = await startMobileTopup(input({ targetKind: "serial", target: "8944 0000 0000 0000 0012" }));
    expect(requestsTo(sim(), CONFIRM)).toBe(confirmsBefore + 1);
    expect(topup).toMatchObject({
      status: "AWAITING_PAYMENT",
      simSerialNumber: "89440000000000000012",
      contactNumber: null,
      faceValueMinor: 2000,
      faceCurrency: "GBP",
      costEstimateMinor: 2921,
      amountMinor: PRICE_MINOR,
      currency: "USD",
    });
    expect(topup.id.length).toBeGreaterThanOrEqual(24);
    expect(world.fake.state.sessions.size).toBe(sessionsBefore);
    expect(requestsTo(sim(), RECHARGE)).toBe(0);
  });
});

describe("paying from the wallet", () => {
  it("debits once and recharges once, however many times payment and the job run", async () => {
    const user = await customerWithWallet(5000);
    const topup = await startMobileTopup(input({ user: { id: user.id, email: user.email } }));
    await Promise.all([payTopupFromWallet(user.id, topup.id), payTopupFromWallet(user.id, topup.id)]);
    const rechargesBefore = requestsTo(sim(), RECHARGE);

    await Promise.all([rechargeTopup(topup.id), rechargeTopup(topup.id)]);
    await handlers["topup.recharge"]({ topupId: topup.id }, { attempt: 2, retryLimit: 5 } as never);

    expect(requestsTo(sim(), RECHARGE)).toBe(rechargesBefore + 1);
    const done = await topupRow(topup.id);
    expect(done).toMatchObject({ status: "RECHARGED", paymentMethod: "WALLET", email: user.email });
    expect(done.rechargeRef).toBe(sim().state.orders.at(-1)!.id);
    expect(done.events.map((e) => e.event)).toEqual(["paid", "recharge_started", "recharged"]);
    const wallet = await walletState(user.id);
    expect(wallet.entries.map((e) => [e.kind, e.amountMinor])).toEqual([
      ["ADJUSTMENT", 5000],
      ["ORDER_DEBIT", -PRICE_MINOR],
    ]);
    expect(wallet.balanceMinor).toBe(wallet.ledgerSumMinor);
  });

  it("refunds a refused recharge to the wallet", async () => {
    const user = await customerWithWallet(5000);
    const topup = await startMobileTopup(input({ user: { id: user.id, email: user.email } }));
    await payTopupFromWallet(user.id, topup.id);
    restore = emptyDealerWallet();

    await rechargeTopup(topup.id);
    await rechargeTopup(topup.id);

    const done = await topupRow(topup.id);
    expect(done).toMatchObject({ status: "REFUNDED", refundMethod: "WALLET", refundStatus: "SUCCEEDED" });
    expect(done.failureReason).toMatch(/402/);
    const wallet = await walletState(user.id);
    expect(wallet.entries.map((e) => [e.kind, e.amountMinor])).toEqual([
      ["ADJUSTMENT", 5000],
      ["ORDER_DEBIT", -PRICE_MINOR],
      ["REFUND_CREDIT", PRICE_MINOR],
    ]);
    expect(done.refundWalletEntryId).toBe(wallet.entries[2]!.id);
    expect(wallet.balanceMinor).toBe(5000);
  });

  it("is not open to guests, and refuses a wallet that cannot cover it", async () => {
    const guest = await startMobileTopup(input());
    const user = await customerWithWallet(1000);
    await expect(payTopupFromWallet(user.id, guest.id)).rejects.toMatchObject({ code: "guest_wallet" });
    const own = await startMobileTopup(input({ user: { id: user.id, email: user.email } }));
    await expect(payTopupFromWallet(user.id, own.id)).rejects.toBeInstanceOf(TopupError);
    expect((await topupRow(own.id)).status).toBe("AWAITING_PAYMENT");
    expect((await walletState(user.id)).balanceMinor).toBe(1000);
  });
});

describe("a guest's quotes", () => {
  it("have a small budget per client of their own: past it, nothing is asked of MeiSIM, and a signed-in customer is not held back", async () => {
    const client = newClient();
    const guest = (target: string) => input({ origin: { ip: client, userAgent: null }, target });
    const confirmsBefore = requestsTo(sim(), CONFIRM);
    for (let i = 0; i < 3; i++) await startMobileTopup(guest("+44 7700 900123"));
    // Another address in the same /64 is the same client.
    const sameClient = `${client.slice(0, -1)}beef`;
    await expect(startMobileTopup(input({ origin: { ip: sameClient, userAgent: null } }))).rejects.toMatchObject({ code: "rate_limited" });
    expect(requestsTo(sim(), CONFIRM)).toBe(confirmsBefore + 3);

    const user = await createUser();
    const own = await startMobileTopup(input({ user: { id: user.id, email: user.email }, origin: { ip: client, userAgent: null } }));
    expect(own.status).toBe("AWAITING_PAYMENT");
    // The anonymous budget is a key space of its own: this client spent no order or sign-in limit.
    const spent = await db().rateLimitWindow.findMany({ where: { key: { endsWith: clientKey(client) } }, select: { key: true } });
    expect(new Set(spent.map((row) => row.key))).toEqual(
      new Set([`anonymous:topupQuote:client:${clientKey(client)}`, `topup-confirm:address:${clientKey(client)}`]),
    );
  });
});

describe("a guest paying by card", () => {
  async function guestPaidByCard() {
    const topup = await startMobileTopup(input());
    const { url } = await openTopupCheckout(topup.id);
    expect(url).toBeTruthy();
    const { checkoutSessionId } = await topupRow(topup.id);
    const { session } = world.fake.state.sessions.get(checkoutSessionId!)!;
    expect(session).toMatchObject({ customer_email: topup.email, amount_total: PRICE_MINOR });
    await world.fake.completeSession(checkoutSessionId!);
    const paid = await eventually(async () => {
      const row = await topupRow(topup.id);
      expect(row.status).toBe("PAID");
      return row;
    });
    return paid;
  }

  it("is recharged after Stripe's webhook, once", async () => {
    const topup = await guestPaidByCard();
    const rechargesBefore = requestsTo(sim(), RECHARGE);
    await Promise.all([rechargeTopup(topup.id), rechargeTopup(topup.id)]);
    expect(requestsTo(sim(), RECHARGE)).toBe(rechargesBefore + 1);
    expect(await topupRow(topup.id)).toMatchObject({ status: "RECHARGED", paymentMethod: "CARD", userId: null });
  });

  it("gets a refused recharge refunded to the card, once", async () => {
    const topup = await guestPaidByCard();
    restore = emptyDealerWallet();
    await rechargeTopup(topup.id);
    await rechargeTopup(topup.id);
    const done = await topupRow(topup.id);
    expect(done).toMatchObject({ status: "REFUNDED", refundMethod: "CARD", refundStatus: "SUCCEEDED" });
    const refunds = [...world.fake.state.refunds.values()].filter((r) => r.payment_intent === done.paymentIntentId);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ amount: PRICE_MINOR, id: done.stripeRefundId });
  });
});

describe("a recharge whose answer was lost", () => {
  async function paidFromWallet() {
    const user = await customerWithWallet(5000);
    const topup = await startMobileTopup(input({ user: { id: user.id, email: user.email } }));
    await payTopupFromWallet(user.id, topup.id);
    return { user, topup };
  }

  it("goes to review when MeiSIM's history shows a top-up since, and is never sent again", async () => {
    const { topup } = await paidFromWallet();
    const { state } = sim();
    loseNextRechargeAnswer(world);
    const rechargesBefore = requestsTo(sim(), RECHARGE);
    await rechargeTopup(topup.id);
    await rechargeTopup(topup.id);
    expect(requestsTo(sim(), RECHARGE)).toBe(rechargesBefore + 1);
    const reviewed = await topupRow(topup.id);
    expect(reviewed.status).toBe("NEEDS_REVIEW");
    expect(reviewed.reviewReason).toContain(state.orders.at(-1)!.id);
    expect(reviewed.refundStatus).toBeNull();
  });

  it("is refunded, not sent again, when a run died after recording the attempt and MeiSIM has no top-up since", async () => {
    const { user, topup } = await paidFromWallet();
    // Everything MeiSIM recorded so far is older than this attempt.
    for (const order of sim().state.orders) order.createdAt -= 60 * 60_000;
    await db().mobileTopup.update({
      where: { id: topup.id },
      data: { status: "RECHARGING", rechargeSentAt: new Date(), leaseToken: "dead-run", leaseExpiresAt: new Date(Date.now() - 1000) },
    });
    const rechargesBefore = requestsTo(sim(), RECHARGE);
    await rechargeTopup(topup.id);
    expect(requestsTo(sim(), RECHARGE)).toBe(rechargesBefore);
    expect(await topupRow(topup.id)).toMatchObject({ status: "REFUNDED", refundMethod: "WALLET" });
    expect((await walletState(user.id)).balanceMinor).toBe(5000);
  });
});

describe("a recharge answered without a documented success", () => {
  it("is not read as recharged when MeiSIM's history does not show the completed top-up: review, never refunded or sent again", async () => {
    const user = await customerWithWallet(5000);
    const topup = await startMobileTopup(input({ user: { id: user.id, email: user.email } }));
    await payTopupFromWallet(user.id, topup.id);
    // MeiSIM answers 2xx with a transaction id, but its history has the row as something other than a completed top-up.
    const { state } = sim();
    const record = state.recordTopupOrder.bind(state);
    state.recordTopupOrder = (...args) => {
      state.recordTopupOrder = record;
      const row = record(...args);
      row.status = "revoked";
      return row;
    };
    const rechargesBefore = requestsTo(sim(), RECHARGE);

    await rechargeTopup(topup.id);
    await rechargeTopup(topup.id);

    expect(requestsTo(sim(), RECHARGE)).toBe(rechargesBefore + 1);
    const reviewed = await topupRow(topup.id);
    expect(reviewed).toMatchObject({ status: "NEEDS_REVIEW", refundStatus: null, rechargeRef: state.orders.at(-1)!.id });
    expect(reviewed.reviewReason).toMatch(/without a failure .*status "revoked", not a completed top-up/);
    expect((await walletState(user.id)).balanceMinor).toBe(5000 - PRICE_MINOR);
  });
});

/**
 * Mobile top-ups for customers and guests (MeiSIM's top-up API): the
 * networks on offer, a quote made only after `topup/confirm` found the SIM,
 * and payment from the wallet or by card. The recharge itself runs in the
 * `topup.recharge` job (./recharge.ts). Every status change goes through
 * lib/orders/mobile-topup-lifecycle.ts.
 */
import "server-only";
import { randomBytes } from "node:crypto";
import type Stripe from "stripe";
import { recordAudit, type RequestOrigin } from "../audit";
import { clientKey, reserveAnonymousProviderCall, reserveAttempt } from "../auth/rate-limit";
import { env } from "../config/env";
import { db } from "../db/client";
import { PaymentMethod, WalletEntryKind, type MobileTopup } from "../generated/prisma/client";
import { enqueue } from "../jobs";
import { log } from "../log";
import { formatMoney } from "../money";
import { applyTopupTransition, canPayTopup, lockTopup } from "../orders/mobile-topup-lifecycle";
import { describeProviderFailure } from "../providers/errors";
import { MeisimInputError, MeisimNotFoundError, MeisimUpstreamError, type TopupNetwork } from "../providers/meisim";
import { meisimClient } from "../providers/registry";
import { stripe } from "../billing/stripe";
import { InsufficientFundsError, LEDGER_TRANSACTION, postWalletEntry, WalletHeldError } from "../wallet/ledger";
import { minorPerUnit, parseFaceValue, parseTarget, type FaceValueLimits, type TargetKind } from "./input";
import { parseUsdRates, quoteTopup } from "./pricing";

/** A refusal the customer can act on; the message is safe to show, `field` names the form field it is about. */
export class TopupError extends Error {
  constructor(
    readonly code:
      | "invalid_input"
      | "network_unavailable"
      | "sim_not_found"
      | "unavailable"
      | "rate_limited"
      | "not_found"
      | "not_payable"
      | "guest_wallet"
      | "insufficient_funds"
      | "wallet_held"
      | "payment_in_progress",
    message: string,
    readonly field?: "networkName" | "target" | "faceValue" | "email",
  ) {
    super(message);
    this.name = "TopupError";
  }
}

/** A network the store sells top-ups on: MeiSIM lists it and its currency has a configured rate. */
export interface OfferedNetwork {
  name: string;
  country: string | null;
  limits: FaceValueLimits;
}

/** How long a quote (and the SIM check behind it) holds for payment. */
export const QUOTE_MINUTES = 30;
/**
 * Face values allowed when MeiSIM states no limits for a network (its
 * document states none): whole units, and at most this much expected charge.
 */
const DEFAULT_MIN_UNITS = 1;
const MAX_EXPECTED_CHARGE_MINOR = 200_00;
/** SIM checks per client address: each one is a call under MeiSIM's 30/min order limit. */
const CONFIRM_LIMIT = { perAddress: 10, perEmail: 10, windowMs: 15 * 60_000 };
const NETWORKS_TTL_MS = 10 * 60_000;

const globalForTopup = globalThis as unknown as { __topupNetworks?: { at: number; list: TopupNetwork[] } };

/** MeiSIM's network list, read at most every 10 minutes per process (it counts against the 60/min read limit). */
async function upstreamNetworks(): Promise<TopupNetwork[]> {
  const cached = globalForTopup.__topupNetworks;
  if (cached && Date.now() - cached.at < NETWORKS_TTL_MS) return cached.list;
  const list = await meisimClient().topup.networks();
  globalForTopup.__topupNetworks = { at: Date.now(), list };
  return list;
}

function usdRateOf(currency: string): string | undefined {
  return parseUsdRates(env().TOPUP_USD_RATES).get(currency);
}

/** MeiSIM charges in USD, so top-ups are sold only by a store that prices in USD. */
function sellsTopups(): boolean {
  return env().CURRENCY === "USD";
}

function offered(network: TopupNetwork): OfferedNetwork | null {
  const currency = network.currency;
  if (!currency || !usdRateOf(currency)) return null;
  const unit = minorPerUnit(currency);
  const min = network.minTopUp?.currency === currency ? Math.ceil(network.minTopUp.amountMinor / unit) : DEFAULT_MIN_UNITS;
  const statedMax = network.maxTopUp?.currency === currency ? Math.floor(network.maxTopUp.amountMinor / unit) : null;
  // Without a stated maximum: as many whole units as keep the charge before the dealer markup under the cap.
  const max = statedMax ?? Math.max(min, Math.floor(MAX_EXPECTED_CHARGE_MINOR / 100 / Number(usdRateOf(currency)!)));
  return { name: network.name, country: network.country, limits: { currency, min, max } };
}

/** The networks a customer may pick, by name. Empty when MeiSIM cannot be reached: the page says top-ups are unavailable. */
export async function offeredNetworks(): Promise<OfferedNetwork[]> {
  if (!sellsTopups()) return [];
  try {
    return (await upstreamNetworks()).flatMap((n) => offered(n) ?? []).sort((a, b) => a.name.localeCompare(b.name));
  } catch (error) {
    log.error("mobile top-up: MeiSIM networks unavailable", { error });
    return [];
  }
}

export interface StartTopupInput {
  /** The signed-in customer, or null for a guest. */
  user: { id: string; email: string } | null;
  /** A guest's email (ignored for a signed-in customer, whose account email is used). */
  email: string | null;
  networkName: string;
  targetKind: TargetKind;
  target: string;
  faceValue: string;
  origin?: RequestOrigin | null;
}

/**
 * Checks the input, asks MeiSIM whether the SIM exists on the network
 * (`topup/confirm`) and whether the dealer wallet covers the expected
 * charge, and records the quote awaiting payment. Nothing is charged here;
 * bad input, an unknown SIM or an unreachable MeiSIM record nothing at all.
 */
export async function startMobileTopup(input: StartTopupInput): Promise<MobileTopup> {
  const email = input.user?.email ?? input.email;
  if (!email) throw new TopupError("invalid_input", "Enter the email address for the receipt.", "email");
  const target = parseTarget(input.targetKind, input.target);
  if (!target.ok) throw new TopupError("invalid_input", target.error, "target");
  const network = (await offeredNetworks()).find((n) => n.name === input.networkName);
  if (!network) throw new TopupError("network_unavailable", "Choose one of the networks in the list.", "networkName");
  const face = parseFaceValue(input.faceValue, network.limits);
  if (!face.ok) throw new TopupError("invalid_input", face.error, "faceValue");

  const address = input.origin?.ip ?? null;
  // A guest's quote also spends the small anonymous budget, which never reaches what orders and recharges need of MeiSIM.
  const anonymous = input.user ? null : await reserveAnonymousProviderCall("topupQuote", "meisim", address);
  if (anonymous && !anonymous.allowed)
    throw new TopupError("rate_limited", `Too many number checks. Try again in ${Math.ceil(anonymous.retryAfterMs / 60_000)} minutes.`);
  const reservation = await reserveAttempt(
    [
      { key: `topup-confirm:address:${clientKey(address)}`, limit: CONFIRM_LIMIT.perAddress },
      { key: `topup-confirm:email:${email.toLowerCase()}`, limit: CONFIRM_LIMIT.perEmail },
    ],
    CONFIRM_LIMIT.windowMs,
  );
  if (!reservation.allowed) {
    await anonymous?.release();
    throw new TopupError("rate_limited", `Too many number checks. Try again in ${Math.ceil(reservation.retryAfterMs / 60_000)} minutes.`);
  }

  const client = meisimClient();
  try {
    await client.topup.confirm({ networkName: network.name, ...target.value });
  } catch (err) {
    if (err instanceof MeisimNotFoundError || err instanceof MeisimUpstreamError || err instanceof MeisimInputError) {
      throw new TopupError(
        "sim_not_found",
        `${network.name} has no SIM with that ${input.targetKind === "phone" ? "number" : "serial number"}. Check it and the network.`,
        "target",
      );
    }
    log.error("mobile top-up: SIM check failed", { network: network.name, error: describeProviderFailure(err) });
    throw new TopupError(
      "unavailable",
      "We couldn’t check the number with the network just now, and nothing was charged. Please try again.",
    );
  }
  const wallet = await client.wallet.wallet().catch((err: unknown) => {
    log.error("mobile top-up: dealer wallet unreadable", { error: describeProviderFailure(err) });
    throw new TopupError("unavailable", "Top-ups are unavailable just now, and nothing was charged. Please try again later.");
  });
  const quote = quoteTopup(
    {
      faceValueMinor: face.value,
      faceCurrency: network.limits.currency,
      usdRate: usdRateOf(network.limits.currency)!,
      dealerMarkupPercent: wallet.markupPct,
    },
    env().TOPUP_MARKUP_PERCENT,
  );
  if (quote.costEstimateMinor > MAX_EXPECTED_CHARGE_MINOR)
    throw new TopupError("invalid_input", "That top-up is larger than we sell online. Choose a smaller amount.", "faceValue");
  if (wallet.balance.amountMinor < quote.costEstimateMinor) {
    log.error("mobile top-up: dealer wallet too low for a quote", { needed: quote.costEstimateMinor, balance: wallet.balance.amountMinor });
    throw new TopupError("unavailable", "Top-ups are unavailable just now, and nothing was charged. Please try again later.");
  }
  const now = new Date();
  const topup = await db().mobileTopup.create({
    data: {
      id: randomBytes(18).toString("base64url"),
      userId: input.user?.id ?? null,
      email,
      networkName: network.name,
      contactNumber: target.value.contactNumber ?? null,
      simSerialNumber: target.value.simSerialNumber ?? null,
      faceValueMinor: face.value,
      faceCurrency: network.limits.currency,
      costEstimateMinor: quote.costEstimateMinor,
      amountMinor: quote.amountMinor,
      currency: env().CURRENCY,
      confirmedAt: now,
      quoteExpiresAt: new Date(now.getTime() + QUOTE_MINUTES * 60_000),
    },
  });
  await recordAudit({
    actorId: input.user?.id ?? null,
    action: "mobile_topup.quoted",
    entityType: "MobileTopup",
    entityId: topup.id,
    details: { network: network.name, faceValueMinor: face.value, faceCurrency: network.limits.currency, amountMinor: quote.amountMinor },
    origin: input.origin,
  });
  return topup;
}

/** The top-up a link names. The id is the secret: anyone holding it may see and pay it, as with a guest's order link. */
export function findTopup(id: string): Promise<MobileTopup | null> {
  return /^[\w-]{20,40}$/.test(id) ? db().mobileTopup.findUnique({ where: { id } }) : Promise.resolve(null);
}

function assertPayable(topup: MobileTopup): void {
  if (canPayTopup(topup)) return;
  if (topup.status === "AWAITING_PAYMENT")
    throw new TopupError("not_payable", `This quote has expired. Start again: the price is good for ${QUOTE_MINUTES} minutes.`);
  throw new TopupError("not_payable", "This top-up is not awaiting payment.");
}

/**
 * Pays the customer's own top-up from their wallet: the debit and the move
 * to PAID commit together, under the top-up's lock, so paying twice takes
 * the money once. Guests have no wallet.
 */
export async function payTopupFromWallet(userId: string, id: string): Promise<MobileTopup> {
  const paid = await db().$transaction(async (tx) => {
    const topup = await lockTopup(tx, id);
    if (!topup) throw new TopupError("not_found", "We couldn’t find that top-up.");
    if (topup.userId === null) throw new TopupError("guest_wallet", "Top-ups bought without an account are paid by card.");
    if (topup.userId !== userId) throw new TopupError("not_found", "We couldn’t find that top-up.");
    if (topup.walletDebitEntryId) return topup;
    assertPayable(topup);
    let debitId: string;
    try {
      ({ id: debitId } = await postWalletEntry(tx, {
        userId,
        kind: WalletEntryKind.ORDER_DEBIT,
        amountMinor: -topup.amountMinor,
        currency: topup.currency,
        description: `Mobile top-up ${formatMoney(topup.faceValueMinor, topup.faceCurrency)} on ${topup.networkName}`,
      }));
    } catch (err) {
      if (err instanceof WalletHeldError) throw new TopupError("wallet_held", err.message);
      if (!(err instanceof InsufficientFundsError)) throw err;
      throw new TopupError(
        "insufficient_funds",
        `Your wallet holds ${formatMoney(err.balanceMinor, err.currency)} and this top-up costs ${formatMoney(topup.amountMinor, topup.currency)}. Top up your wallet or pay by card.`,
      );
    }
    await applyTopupTransition(
      id,
      "paid",
      {
        actorId: userId,
        data: { paymentMethod: PaymentMethod.WALLET, paidAt: new Date(), walletDebitEntryId: debitId },
        details: { method: PaymentMethod.WALLET, amountMinor: topup.amountMinor, currency: topup.currency, entryId: debitId },
      },
      tx,
    );
    return tx.mobileTopup.findUniqueOrThrow({ where: { id } });
  }, LEDGER_TRANSACTION);
  await queueRecharge(id);
  return paid;
}

export const TOPUP_PATH = "/top-up";
export const topupPath = (id: string) => `${TOPUP_PATH}/${id}`;

/**
 * Card checkout for a top-up awaiting payment, guests included (the email
 * goes to Stripe as the customer email). While the top-up's session is
 * still open the customer goes back to it rather than getting a second one.
 */
export async function openTopupCheckout(id: string): Promise<{ url: string }> {
  const topup = await findTopup(id);
  if (!topup) throw new TopupError("not_found", "We couldn’t find that top-up.");
  assertPayable(topup);
  if (topup.checkoutSessionId) {
    const earlier = await stripe().checkout.sessions.retrieve(topup.checkoutSessionId);
    if (earlier.status === "open" && earlier.url) return { url: earlier.url };
    if (earlier.status === "complete")
      throw new TopupError("payment_in_progress", "A card payment for this top-up is already being processed. Check back in a minute.");
  }
  const appUrl = env().APP_URL.replace(/\/+$/, "");
  const metadata = { purpose: "MOBILE_TOPUP", topupId: topup.id };
  const target = topup.contactNumber ?? topup.simSerialNumber ?? "";
  const session = await stripe().checkout.sessions.create(
    {
      mode: "payment",
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: topup.currency.toLowerCase(),
            unit_amount: topup.amountMinor,
            product_data: { name: `${formatMoney(topup.faceValueMinor, topup.faceCurrency)} top-up, ${topup.networkName} ${target}` },
          },
        },
      ],
      success_url: `${appUrl}${topupPath(topup.id)}?paid=1`,
      cancel_url: `${appUrl}${topupPath(topup.id)}`,
      client_reference_id: topup.id,
      customer_email: topup.email,
      metadata,
      payment_intent_data: { metadata, description: `Mobile top-up ${topup.id}` },
    },
    // One key per attempt: concurrent clicks share a session; after an expired one the next gets its own.
    { idempotencyKey: `checkout:mobile-topup:${topup.id}:${topup.checkoutSessionId ?? "first"}` },
  );
  if (!session.url) throw new Error(`Stripe returned Checkout Session ${session.id} without a payment page URL`);
  await db().mobileTopup.updateMany({ where: { id: topup.id, status: "AWAITING_PAYMENT" }, data: { checkoutSessionId: session.id } });
  return { url: session.url };
}

/**
 * A Checkout event or a return from Stripe for a top-up's session: reads the
 * session's current state from Stripe and applies a payment once. Returns
 * false when the session is not a top-up's (the caller goes on to its own
 * kinds). A payment for a top-up no longer awaiting one (paid from the wallet
 * meanwhile) goes back to the card.
 */
export async function settleTopupCheckout(sessionId: string): Promise<boolean> {
  const topup = await db().mobileTopup.findUnique({ where: { checkoutSessionId: sessionId } });
  if (!topup) return false;
  const session = await stripe().checkout.sessions.retrieve(sessionId);
  const paymentIntentId = typeof session.payment_intent === "string" ? session.payment_intent : (session.payment_intent?.id ?? null);
  if (session.payment_status !== "paid") {
    if (session.status === "expired" && topup.quoteExpiresAt.getTime() <= Date.now())
      await applyTopupTransition(topup.id, "expired", { details: { checkoutSessionId: sessionId } });
    return true;
  }
  if (session.amount_total !== topup.amountMinor || session.currency?.toUpperCase() !== topup.currency)
    throw new Error(`Checkout Session ${sessionId} charged ${session.amount_total} ${session.currency}, not top-up ${topup.id}'s amount`);
  const outcome = await db().$transaction(async (tx) => {
    const current = await lockTopup(tx, topup.id);
    if (current?.paymentIntentId === paymentIntentId) return "known" as const;
    const moved = await applyTopupTransition(
      topup.id,
      "paid",
      {
        actorId: topup.userId,
        data: { paymentMethod: PaymentMethod.CARD, paidAt: new Date(), paymentIntentId },
        details: { method: PaymentMethod.CARD, amountMinor: topup.amountMinor, currency: topup.currency, checkoutSessionId: sessionId },
      },
      tx,
    );
    return moved ? ("paid" as const) : ("duplicate" as const);
  });
  if (outcome === "duplicate" && paymentIntentId) await refundDuplicatePayment(topup, sessionId, paymentIntentId);
  if (outcome !== "duplicate") await queueRecharge(topup.id);
  return true;
}

/** The card paid for a top-up that was already paid: that payment goes straight back (one Stripe refund per session). */
async function refundDuplicatePayment(topup: MobileTopup, sessionId: string, paymentIntentId: string): Promise<void> {
  const refund: Stripe.Refund = await stripe().refunds.create(
    { payment_intent: paymentIntentId, reason: "duplicate", metadata: { topupId: topup.id, checkoutSessionId: sessionId } },
    { idempotencyKey: `refund:mobile-topup-duplicate:${sessionId}` },
  );
  await recordAudit({
    actorId: null,
    action: "mobile_topup.duplicate_payment_refunded",
    entityType: "MobileTopup",
    entityId: topup.id,
    details: { checkoutSessionId: sessionId, paymentIntentId, stripeRefundId: refund.id, status: refund.status },
  });
  log.warn("second payment for a paid mobile top-up refunded", { topupId: topup.id, sessionId, stripeRefundId: refund.id });
}

/**
 * Hands a paid top-up to the recharge job. Keyed by top-up, so queued once;
 * if this process dies first, the sweep (./recharge.ts) queues it.
 */
export async function queueRecharge(id: string): Promise<void> {
  try {
    await enqueue("topup.recharge", { topupId: id });
  } catch (error) {
    log.error("could not queue a mobile top-up's recharge; the sweep will", { topupId: id, error });
  }
}

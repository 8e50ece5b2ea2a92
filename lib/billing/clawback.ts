/**
 * Money that leaves through the back door comes back out of the wallet: a
 * top-up whose card payment is refunded or disputed in Stripe has its credit
 * taken back (a CLAWBACK entry naming the refund or dispute), even below
 * zero, in which case the wallet is held and admins alerted. A won dispute
 * restores the credit. A dispute on an order's payment flags the order.
 *
 * Every entry carries a unique `stripeRef`, and charges and disputes are read
 * from Stripe afresh (./stripe-events), so replayed, reordered or forged
 * events post nothing twice and nothing Stripe does not report.
 */
import "server-only";
import type Stripe from "stripe";
import { recordAudit } from "../audit";
import { db, type Prisma } from "../db/client";
import { CheckoutPurpose, WalletEntryKind, type CheckoutSession } from "../generated/prisma/client";
import { log } from "../log";
import { formatMoney } from "../money";
import { LEDGER_TRANSACTION, postClawback, postWalletEntry } from "../wallet/ledger";

type Tx = Prisma.TransactionClient;

/** The credit a charged amount bought: a top-up's fee is the card's, not the wallet's, so it is not taken back twice. */
function creditFor(session: CheckoutSession, chargedMinor: number): number {
  const credit = session.creditMinor ?? session.amountMinor;
  return Math.floor((credit * chargedMinor) / session.amountMinor);
}

/**
 * `charge.refunded` on a top-up: takes back the credit that the refunded
 * amount bought. Counted cumulatively (Stripe reports the total refunded so
 * far), so each new partial refund takes back only its own share.
 */
export async function clawBackTopUpRefund(session: CheckoutSession, charge: Stripe.Charge): Promise<void> {
  const totalToTake = creditFor(session, charge.amount_refunded);
  await db().$transaction(async (tx) => {
    const taken = await clawedBack(tx, `refund:${charge.id}:`);
    const amountMinor = totalToTake - taken;
    if (amountMinor <= 0) return;
    await takeBack(
      tx,
      session,
      amountMinor,
      `refund:${charge.id}:${charge.amount_refunded}`,
      `Top-up refunded in Stripe (charge ${charge.id})`,
    );
  }, LEDGER_TRANSACTION);
}

/**
 * Any `charge.dispute.*` event on a Checkout Session of ours, with the
 * dispute as Stripe reports it now (read back by the caller, never the
 * event's body): makes the ledger agree with it, whatever order the events
 * came in. Funds withdrawn (any dispute that is not a warning): the credit
 * is taken back. Won: it is restored. On an order's payment: the order is
 * flagged with the dispute's status for admins.
 */
export async function reconcileDispute(session: CheckoutSession, dispute: Stripe.Dispute): Promise<void> {
  const context = { disputeId: dispute.id, status: dispute.status, paymentIntentId: session.paymentIntentId };
  // An order's payment, unless it was kept as wallet credit (a second payment for an order already paid).
  const credited = await db().walletEntry.findUnique({ where: { checkoutSessionId: session.id }, select: { id: true } });
  if (session.purpose === CheckoutPurpose.ORDER && session.orderId && !credited) {
    await flagOrder(session.orderId, dispute);
    return;
  }
  const withdrawn = !dispute.status.startsWith("warning_");
  if (!withdrawn) return;
  await db().$transaction(async (tx) => {
    const ref = `dispute:${dispute.id}`;
    const amount = creditFor(session, dispute.amount);
    if (amount <= 0) return;
    if ((await clawedBack(tx, `${ref}:withdrawn`)) === 0) {
      await takeBack(tx, session, amount, `${ref}:withdrawn`, `Top-up disputed by the cardholder (dispute ${dispute.id})`);
    }
    if (dispute.status === "won" && !(await tx.walletEntry.findUnique({ where: { stripeRef: `${ref}:reinstated` } }))) {
      await postWalletEntry(tx, {
        userId: session.userId,
        kind: WalletEntryKind.CLAWBACK_REVERSAL,
        amountMinor: amount,
        description: `Dispute ${dispute.id} won: top-up credit restored`,
        stripeRef: `${ref}:reinstated`,
      });
      await recordAudit(
        {
          actorId: null,
          action: "wallet.dispute_won",
          entityType: "Wallet",
          entityId: session.userId,
          details: { disputeId: dispute.id, amountMinor: amount },
        },
        tx,
      );
    }
  }, LEDGER_TRANSACTION);
  log.info("dispute on a top-up reconciled", context);
}

/** What was already taken back for the refunds or dispute whose references start so. */
async function clawedBack(tx: Tx, refPrefix: string): Promise<number> {
  const { _sum } = await tx.walletEntry.aggregate({
    where: { kind: WalletEntryKind.CLAWBACK, stripeRef: { startsWith: refPrefix } },
    _sum: { amountMinor: true },
  });
  return -(_sum.amountMinor ?? 0);
}

async function takeBack(tx: Tx, session: CheckoutSession, amountMinor: number, stripeRef: string, description: string): Promise<void> {
  const { entry, heldNow } = await postClawback(tx, {
    userId: session.userId,
    amountMinor,
    currency: session.currency,
    description,
    stripeRef,
    holdReason: description,
  });
  await recordAudit(
    {
      actorId: null,
      action: "wallet.clawback",
      entityType: "Wallet",
      entityId: session.userId,
      details: { stripeRef, checkoutSessionId: session.id, amountMinor, balanceAfterMinor: entry.balanceAfterMinor },
    },
    tx,
  );
  if (!heldNow) return;
  await recordAudit(
    {
      actorId: null,
      action: "wallet.held",
      entityType: "Wallet",
      entityId: session.userId,
      details: {
        alert: `The wallet is ${formatMoney(-entry.balanceAfterMinor, entry.currency)} short after a reversed top-up and is held: nothing can be spent until an admin releases it.`,
        stripeRef,
        balanceAfterMinor: entry.balanceAfterMinor,
      },
    },
    tx,
  );
  log.warn("wallet held after a clawback it could not cover", {
    userId: session.userId,
    stripeRef,
    balanceAfterMinor: entry.balanceAfterMinor,
  });
}

/** A chargeback on an order's card payment: flagged on the order for admins (the eSIM may already be in use, so nothing is undone). */
async function flagOrder(otherOrderId: string, dispute: Stripe.Dispute): Promise<void> {
  const { count } = await db().order.updateMany({
    where: { otherOrderId, OR: [{ disputeId: null }, { disputeId: dispute.id, disputeStatus: { not: dispute.status } }] },
    data: { disputeId: dispute.id, disputeStatus: dispute.status },
  });
  if (count === 0) return;
  await recordAudit({
    actorId: null,
    action: "order.disputed",
    entityType: "Order",
    entityId: otherOrderId,
    details: {
      disputeId: dispute.id,
      status: dispute.status,
      amountMinor: dispute.amount,
      reason: dispute.reason,
      alert: "The cardholder disputed this order's payment: answer it in the Stripe Dashboard.",
    },
  });
  log.warn("order payment disputed", { otherOrderId, disputeId: dispute.id, status: dispute.status });
}

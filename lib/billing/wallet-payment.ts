import "server-only";
import { db } from "../db/client";
import { OrderStatus, PaymentMethod, WalletEntryKind, type WalletEntry } from "../generated/prisma/client";
import { formatMoney } from "../money";
import { emailPaymentReceipt } from "../orders/notifications";
import { whyOrderCannotBeFilled } from "../orders/orders";
import { InsufficientFundsError, LEDGER_TRANSACTION, postWalletEntry, WalletHeldError } from "../wallet/ledger";
import { BillingError } from "./errors";
import { assertPayable, lockOrder, markOrderPaid, startFulfilmentIfPaid } from "./order-payment";

/**
 * Pays one of the customer's orders from their wallet: the debit and the
 * order's move to PAID commit together or not at all. Paying the same order
 * again returns the first debit instead of taking the money twice.
 */
export async function payOrderFromWallet(userId: string, otherOrderId: string): Promise<WalletEntry> {
  const pending = await db().order.findFirst({ where: { otherOrderId, userId, status: OrderStatus.PENDING_PAYMENT } });
  const unavailable = pending && (await whyOrderCannotBeFilled(pending));
  if (unavailable) throw new BillingError("plan_unavailable", unavailable);
  const { debit, orderStatus } = await db().$transaction(async (tx) => {
    const order = await lockOrder(tx, otherOrderId);
    if (!order || order.userId !== userId) throw new BillingError("order_not_found", "We couldn’t find that order.");
    // Bought with an email alone: the card is the only way it was offered to be paid.
    if (order.guestCheckout) throw new BillingError("card_only", "This order was placed as a guest, so it is paid by card.");
    const earlier = await tx.walletEntry.findUnique({
      where: { orderId_kind: { orderId: otherOrderId, kind: WalletEntryKind.ORDER_DEBIT } },
    });
    if (earlier) return { debit: earlier, orderStatus: order.status };
    assertPayable(order);
    let debit: WalletEntry;
    try {
      debit = await postWalletEntry(tx, {
        userId,
        kind: WalletEntryKind.ORDER_DEBIT,
        amountMinor: -order.amountMinor,
        currency: order.currency,
        description: `Order ${order.otherOrderId}: ${order.planName}`,
        orderId: order.otherOrderId,
      });
    } catch (err) {
      if (err instanceof WalletHeldError) throw new BillingError("wallet_held", err.message);
      if (!(err instanceof InsufficientFundsError)) throw err;
      throw new BillingError(
        "insufficient_funds",
        `Your wallet holds ${formatMoney(err.balanceMinor, err.currency)} and this order costs ${formatMoney(order.amountMinor, order.currency)}. Top up your wallet or pay by card.`,
      );
    }
    await markOrderPaid(tx, order, PaymentMethod.WALLET);
    return { debit, orderStatus: OrderStatus.PAID };
  }, LEDGER_TRANSACTION);
  // Fulfilment first: the eSIM is what the customer waits for, the receipt can follow.
  await startFulfilmentIfPaid(otherOrderId, orderStatus);
  await emailPaymentReceipt(otherOrderId);
  return debit;
}

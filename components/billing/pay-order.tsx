import type { FormAction } from "@/components/forms/action-state";
import { walletSummary } from "@/lib/wallet/queries";
import { PayOrderForm } from "./pay-order-form";

/**
 * The payment choices for an order awaiting payment, with the customer's
 * current wallet balance. The page passes its server actions in; without a
 * wallet action (a guest order) only the card is offered.
 */
export async function PayOrder({
  order,
  payByCardAction,
  payFromWalletAction,
}: {
  order: { otherOrderId: string; userId: string; amountMinor: number; currency: string };
  payByCardAction: FormAction;
  payFromWalletAction?: FormAction;
}) {
  const wallet = payFromWalletAction
    ? { balanceMinor: (await walletSummary(order.userId)).balanceMinor, action: payFromWalletAction }
    : null;
  return (
    <PayOrderForm
      otherOrderId={order.otherOrderId}
      amountMinor={order.amountMinor}
      currency={order.currency}
      payByCardAction={payByCardAction}
      wallet={wallet}
    />
  );
}

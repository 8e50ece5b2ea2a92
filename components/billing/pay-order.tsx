import { walletSummary } from "@/lib/wallet/queries";
import { PayOrderForm } from "./pay-order-form";

/** The payment choices for an order awaiting payment, with the customer's current wallet balance. */
export async function PayOrder({ order }: { order: { otherOrderId: string; userId: string; amountMinor: number; currency: string } }) {
  const { balanceMinor } = await walletSummary(order.userId);
  return <PayOrderForm otherOrderId={order.otherOrderId} amountMinor={order.amountMinor} currency={order.currency} walletBalanceMinor={balanceMinor} />;
}

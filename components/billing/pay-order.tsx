import { walletSummary } from "@/lib/wallet/queries";
import { PayOrderForm, type PayOrderFormProps } from "./pay-order-form";

type PayOrderProps = Pick<PayOrderFormProps, "payByCardAction" | "payFromWalletAction"> & {
  order: { otherOrderId: string; userId: string; amountMinor: number; currency: string };
};

/** The payment choices for an order awaiting payment, with the customer's current wallet balance. The page passes its server actions in. */
export async function PayOrder({ order, ...actions }: PayOrderProps) {
  const { balanceMinor } = await walletSummary(order.userId);
  return (
    <PayOrderForm
      otherOrderId={order.otherOrderId}
      amountMinor={order.amountMinor}
      currency={order.currency}
      walletBalanceMinor={balanceMinor}
      {...actions}
    />
  );
}

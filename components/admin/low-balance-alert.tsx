import { Alert } from "@/components/ui";
import { formatMoney } from "@/lib/money";

/** The MeiSIM dealer wallet is under the alert level set on the providers page. */
export function LowBalanceAlert({ balance, alertMinor }: { balance: { amountMinor: number; currency: string }; alertMinor: number }) {
  return (
    <Alert tone="warning" title="MeiSIM dealer wallet is low">
      {formatMoney(balance.amountMinor, balance.currency)} is under the alert level of {formatMoney(alertMinor, "USD")}. Top it up from the
      MeiSIM tools before orders start failing the wallet check.
    </Alert>
  );
}

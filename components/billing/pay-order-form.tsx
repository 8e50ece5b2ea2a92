"use client";

import { useActionState } from "react";
import type { ActionState, FormAction } from "@/components/forms/action-state";
import { Alert, Button, ButtonLink } from "@/components/ui";
import { formatMoney } from "@/lib/money";

export interface PayOrderFormProps {
  otherOrderId: string;
  amountMinor: number;
  currency: string;
  walletBalanceMinor: number;
  payByCardAction: FormAction;
  payFromWalletAction: FormAction;
}

/** Pay by card on Stripe, or from the wallet when it covers the order. */
export function PayOrderForm({
  otherOrderId,
  amountMinor,
  currency,
  walletBalanceMinor,
  payByCardAction,
  payFromWalletAction,
}: PayOrderFormProps) {
  const [cardState, payByCard, cardPending] = useActionState<ActionState, FormData>(payByCardAction, null);
  const [walletState, payFromWallet, walletPending] = useActionState<ActionState, FormData>(payFromWalletAction, null);
  const pending = cardPending || walletPending;
  const error = cardState?.error ?? walletState?.error;
  const walletCovers = walletBalanceMinor >= amountMinor;
  const amount = formatMoney(amountMinor, currency);
  return (
    <div className="space-y-4">
      {error && <Alert tone="error">{error}</Alert>}
      <div className="flex flex-wrap items-start gap-4">
        <form action={payByCard} aria-label="Pay by card">
          <input type="hidden" name="otherOrderId" value={otherOrderId} />
          <Button type="submit" disabled={pending}>
            {cardPending ? "Opening secure checkout…" : `Pay ${amount} by card`}
          </Button>
        </form>
        <form action={payFromWallet} aria-label="Pay from wallet" className="space-y-1">
          <input type="hidden" name="otherOrderId" value={otherOrderId} />
          <Button type="submit" variant="secondary" disabled={pending || !walletCovers}>
            {walletPending ? "Paying…" : `Pay ${amount} from wallet`}
          </Button>
          <p className="text-xs text-slate-600">
            Wallet balance: {formatMoney(walletBalanceMinor, currency)}
            {!walletCovers && (
              <>
                {" "}
                — not enough.{" "}
                <ButtonLink href="/wallet/top-up" variant="ghost" className="px-1 py-0 text-xs">
                  Add money
                </ButtonLink>
              </>
            )}
          </p>
        </form>
      </div>
    </div>
  );
}

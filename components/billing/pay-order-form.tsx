"use client";

import { useActionState } from "react";
import type { ActionState, FormAction } from "@/components/forms/action-state";
import { Alert, Button, ButtonLink } from "@/components/ui";
import { formatMoney } from "@/lib/money";

export interface PayOrderFormProps {
  otherOrderId: string;
  amountMinor: number;
  currency: string;
  payByCardAction: FormAction;
  /** The customer's wallet and the action paying from it; null for a guest order, which is paid by card only. */
  wallet: { balanceMinor: number; action: FormAction } | null;
}

/** Stands in for the wallet's action when there is no wallet; its form is then not shown, so it is never called. */
const NO_WALLET: FormAction = async (state) => state;

/** Pay by card on Stripe, or from the wallet when there is one and it covers the order. */
export function PayOrderForm({ otherOrderId, amountMinor, currency, payByCardAction, wallet }: PayOrderFormProps) {
  const [cardState, payByCard, cardPending] = useActionState<ActionState, FormData>(payByCardAction, null);
  const [walletState, payFromWallet, walletPending] = useActionState<ActionState, FormData>(wallet?.action ?? NO_WALLET, null);
  const pending = cardPending || walletPending;
  const error = cardState?.error ?? walletState?.error;
  const amount = formatMoney(amountMinor, currency);
  const walletCovers = wallet !== null && wallet.balanceMinor >= amountMinor;
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
        {wallet && (
          <form action={payFromWallet} aria-label="Pay from wallet" className="space-y-1">
            <input type="hidden" name="otherOrderId" value={otherOrderId} />
            <Button type="submit" variant="secondary" disabled={pending || !walletCovers}>
              {walletPending ? "Paying…" : `Pay ${amount} from wallet`}
            </Button>
            <p className="text-xs text-slate-600">
              Wallet balance: {formatMoney(wallet.balanceMinor, currency)}
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
        )}
      </div>
    </div>
  );
}

"use client";

import { useActionState } from "react";
import type { ActionState } from "@/components/forms/action-state";
import { Alert, Button } from "@/components/ui";

type PayAction = () => Promise<ActionState>;

/** Card (Stripe Checkout) and, for the signed-in owner, wallet payment of a quoted top-up. The page passes its bound server actions in. */
export function PayTopup({ payByCard, payFromWallet }: { payByCard: PayAction; payFromWallet: PayAction | null }) {
  const [cardState, cardAction, cardPending] = useActionState<ActionState>(payByCard, null);
  const [walletState, walletAction, walletPending] = useActionState<ActionState>(payFromWallet ?? payByCard, null);
  const error = cardState?.error ?? walletState?.error;
  const pending = cardPending || walletPending;
  return (
    <div className="space-y-3">
      {error && <Alert tone="error">{error}</Alert>}
      <div className="flex flex-col gap-3 sm:flex-row">
        <form action={cardAction}>
          <Button type="submit" disabled={pending} className="min-h-11 w-full">
            {cardPending ? "Opening secure checkout…" : "Pay by card"}
          </Button>
        </form>
        {payFromWallet && (
          <form action={walletAction}>
            <Button type="submit" variant="secondary" disabled={pending} className="min-h-11 w-full">
              {walletPending ? "Paying…" : "Pay from wallet"}
            </Button>
          </form>
        )}
      </div>
    </div>
  );
}

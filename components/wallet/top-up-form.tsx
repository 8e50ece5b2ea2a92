"use client";

import { useActionState, useState } from "react";
import type { ActionState, FormAction } from "@/components/forms/action-state";
import { Alert, Button, Field } from "@/components/ui";
import { hasFee, parseTopUpAmount, quoteTopUp, type TopUpFee, type TopUpLimits } from "@/lib/billing/top-up-pricing";
import { formatMoney } from "@/lib/money";

/** The amount to add, a live preview of what the card is charged when a fee applies, then off to Stripe Checkout. The page passes its server action in. */
export function TopUpForm({
  limits,
  fee,
  requestKey,
  action: startTopUp,
}: {
  limits: TopUpLimits;
  fee: TopUpFee;
  requestKey: string;
  action: FormAction;
}) {
  const [state, action, pending] = useActionState<ActionState, FormData>(startTopUp, null);
  const [amount, setAmount] = useState(state?.values?.amount ?? "");
  const parsed = parseTopUpAmount(amount, limits);
  const quote = parsed.ok ? quoteTopUp(parsed.creditMinor, fee) : null;
  const money = (minor: number) => formatMoney(minor, limits.currency);
  return (
    <form action={action} className="space-y-4" aria-label="Top up wallet" noValidate>
      {state?.error && <Alert tone="error">{state.error}</Alert>}
      <input type="hidden" name="requestKey" value={requestKey} />
      <Field
        label={`Amount to add (${limits.currency})`}
        name="amount"
        inputMode="decimal"
        autoComplete="off"
        required
        value={amount}
        onChange={(e) => setAmount(e.target.value)}
        hint={`Between ${money(limits.minMinor)} and ${money(limits.maxMinor)}.`}
        error={state?.fieldErrors?.amount}
      />
      {hasFee(fee) && (
        <p className="text-sm text-slate-700" aria-live="polite">
          {quote
            ? `Card charge: ${money(quote.totalMinor)} (${money(quote.creditMinor)} credit + ${money(quote.feeMinor)} fee).`
            : `A fee of ${fee.percent}%${fee.fixedMinor ? ` + ${money(fee.fixedMinor)}` : ""} is added to the card charge.`}
        </p>
      )}
      <Button type="submit" disabled={pending}>
        {pending ? "Opening secure checkout…" : "Continue to payment"}
      </Button>
    </form>
  );
}

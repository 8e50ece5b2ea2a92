"use client";

import { useActionState } from "react";
import type { ActionState, FormAction } from "@/components/forms/action-state";
import { Alert, Button, Field } from "@/components/ui";
import { ActivationFields } from "./activation-fields";

/** The email address a guest buys with, then off to Stripe Checkout. The page passes its server action in. */
export function GuestCheckoutForm({
  planId,
  quantity,
  total,
  activation,
  action: startCheckout,
}: {
  planId: string;
  quantity: number;
  /** Set for a MeiSIM dealer product: its activation details are asked for too. */
  activation?: { usPrepaid: boolean };
  /** The formatted total, for the button. */
  total: string;
  action: FormAction;
}) {
  const [state, action, pending] = useActionState<ActionState, FormData>(startCheckout, null);
  return (
    <form action={action} className="space-y-4" aria-label="Checkout as a guest" noValidate>
      {state?.error && <Alert tone="error">{state.error}</Alert>}
      <input type="hidden" name="planId" value={planId} />
      <input type="hidden" name="quantity" value={quantity} />
      <Field
        label="Email address"
        name="email"
        type="email"
        autoComplete="email"
        required
        defaultValue={state?.values?.email}
        hint="Your eSIM and the link to your order go here. Nothing else is needed."
        error={state?.fieldErrors?.email}
      />
      {activation && <ActivationFields usPrepaid={activation.usPrepaid} state={state} />}
      <Button type="submit" disabled={pending}>
        {pending ? "Opening secure checkout…" : `Pay ${total} by card`}
      </Button>
    </form>
  );
}

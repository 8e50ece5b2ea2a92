"use client";

import { useActionState } from "react";
import type { ActionState, FormAction } from "@/components/forms/action-state";
import { Alert, Button } from "@/components/ui";
import { ActivationFields } from "./activation-fields";

/** A signed-in customer's checkout for a MeiSIM dealer product: the activation details, then the order's payment page (card or wallet). */
export function ActivationCheckoutForm({
  planId,
  quantity,
  usPrepaid,
  action: submit,
}: {
  planId: string;
  quantity: number;
  usPrepaid: boolean;
  action: FormAction;
}) {
  const [state, action, pending] = useActionState<ActionState, FormData>(submit, null);
  return (
    <form action={action} className="space-y-4" aria-label="Activation details" noValidate>
      {state?.error && <Alert tone="error">{state.error}</Alert>}
      <input type="hidden" name="planId" value={planId} />
      <input type="hidden" name="quantity" value={quantity} />
      <ActivationFields usPrepaid={usPrepaid} state={state} />
      <Button type="submit" disabled={pending}>
        {pending ? "Checking…" : "Continue to payment"}
      </Button>
    </form>
  );
}

"use client";

import { useActionState } from "react";
import { cancelOrderAction } from "@/app/orders/actions";
import type { ActionState } from "@/components/forms/action-state";
import { Alert, Button } from "@/components/ui";

export function CancelOrderForm({ otherOrderId, policy }: { otherOrderId: string; policy: string | null }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(cancelOrderAction, null);
  return (
    <form action={action} className="space-y-2" aria-label="Cancel this order">
      {state?.error && <Alert tone="error">{state.error}</Alert>}
      <input type="hidden" name="otherOrderId" value={otherOrderId} />
      {policy && <p className="text-xs text-slate-500">Policy: {policy}</p>}
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? "Cancelling…" : "Cancel and refund"}
      </Button>
    </form>
  );
}

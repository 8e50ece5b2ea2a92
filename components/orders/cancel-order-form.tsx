"use client";

import { useActionState } from "react";
import type { ActionState, FormAction } from "@/components/forms/action-state";
import { Alert, Button } from "@/components/ui";

/** A delivered, unused eSIM whose plan allows it: cancelled upstream, then refunded. The page passes its server action in. */
export function CancelOrderForm({
  otherOrderId,
  policy,
  action: cancel,
}: {
  otherOrderId: string;
  policy: string | null;
  action: FormAction;
}) {
  const [state, action, pending] = useActionState<ActionState, FormData>(cancel, null);
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

/** For an order still awaiting payment: nothing was charged, so nothing goes back. */
export function CancelUnpaidOrderForm({ otherOrderId, action: cancel }: { otherOrderId: string; action: FormAction }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(cancel, null);
  return (
    <form action={action} className="space-y-2" aria-label="Cancel this unpaid order">
      {state?.error && <Alert tone="error">{state.error}</Alert>}
      <input type="hidden" name="otherOrderId" value={otherOrderId} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Cancelling…" : "Cancel order"}
      </Button>
    </form>
  );
}

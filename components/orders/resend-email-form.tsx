"use client";

import { useActionState } from "react";
import type { ActionState, FormAction } from "@/components/forms/action-state";
import { Alert, Button } from "@/components/ui";

/** Sends the delivery email (QR codes, install steps, PDFs) again; the page passes its server action in. */
export function ResendEmailForm({ otherOrderId, action: resend }: { otherOrderId: string; action: FormAction }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(resend, null);
  return (
    <form action={action} className="space-y-2" aria-label="Email the install details again">
      {state?.error && <Alert tone="error">{state.error}</Alert>}
      {state?.success && <Alert tone="success">{state.success}</Alert>}
      <input type="hidden" name="otherOrderId" value={otherOrderId} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Sending…" : "Email me the install details again"}
      </Button>
    </form>
  );
}

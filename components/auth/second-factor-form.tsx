"use client";

import { useActionState } from "react";
import type { ActionState, FormAction } from "@/components/forms/action-state";
import { Alert, Button, Field } from "@/components/ui";

/** The code step of signing in, after the password (or email link), for accounts with two-step sign-in. */
export function SecondFactorForm({ action, callbackUrl }: { action: FormAction; callbackUrl: string }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, null);
  return (
    <form action={formAction} aria-label="Two-step sign-in code" className="space-y-4">
      {state?.error && <Alert tone="error">{state.error}</Alert>}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field
        name="code"
        label="Code"
        hint="The 6-digit code your authenticator app shows, or one of your recovery codes."
        autoComplete="one-time-code"
        required
        autoFocus
        maxLength={20}
      />
      <Button type="submit" disabled={pending}>
        {pending ? "Checking…" : "Continue"}
      </Button>
    </form>
  );
}

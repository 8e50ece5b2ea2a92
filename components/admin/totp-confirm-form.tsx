"use client";

import { useActionState } from "react";
import { Alert, Button, Field } from "@/components/ui";

export type TotpConfirmState = { error?: string; recoveryCodes?: string[] } | null;

/** The first code from the authenticator app, which turns TOTP on; the recovery codes are shown once, here. */
export function TotpConfirmForm({ action }: { action: (state: TotpConfirmState, form: FormData) => Promise<TotpConfirmState> }) {
  const [state, formAction, pending] = useActionState<TotpConfirmState, FormData>(action, null);
  if (state?.recoveryCodes)
    return (
      <div className="space-y-3">
        <Alert tone="success">Two-step sign-in is on.</Alert>
        <p className="text-sm">
          Keep these recovery codes somewhere safe, apart from your phone. Each one signs you in once instead of a code; they are not shown
          again.
        </p>
        <ul aria-label="Recovery codes" className="grid grid-cols-2 gap-1 font-mono text-sm">
          {state.recoveryCodes.map((code) => (
            <li key={code}>{code}</li>
          ))}
        </ul>
      </div>
    );
  return (
    <form action={formAction} aria-label="Confirm two-step sign-in" className="space-y-3">
      {state?.error && <Alert tone="error">{state.error}</Alert>}
      <Field name="code" label="Code from the app" inputMode="numeric" autoComplete="one-time-code" required maxLength={6} />
      <Button type="submit" disabled={pending}>
        {pending ? "Checking…" : "Turn on two-step sign-in"}
      </Button>
    </form>
  );
}

"use client";

import { startTransition, useActionState, useId, useRef, useState, type ReactNode } from "react";
import { Alert, Button, inputClass } from "@/components/ui";

/** The form field lib/auth/step-up.ts reads the password from. */
const STEP_UP_FIELD = "stepUpPassword";

/**
 * useActionState for an admin action that may ask for the password again
 * (answering `stepUp`). The prompt it returns sends the form's last
 * submission again, files included, with the password added: what the admin
 * typed is not lost to React resetting the form after the first answer.
 */
export function useStepUpActionState<S extends { stepUp?: true; error?: string }>(
  action: (state: S | null, form: FormData) => Promise<S | null>,
  initial: S | null,
): { state: S | null; formAction: (form: FormData) => void; pending: boolean; stepUpPrompt: ReactNode } {
  const lastSubmission = useRef<FormData | null>(null);
  const [state, formAction, pending] = useActionState<S | null, FormData>(
    (previous, form) => {
      lastSubmission.current = form;
      return action(previous as S | null, form) as Promise<Awaited<S> | null>;
    },
    initial as Awaited<S> | null,
  );
  const confirm = (password: string) => {
    const again = new FormData();
    for (const [name, value] of lastSubmission.current ?? []) if (name !== STEP_UP_FIELD) again.append(name, value);
    again.set(STEP_UP_FIELD, password);
    startTransition(() => formAction(again));
  };
  const stepUpPrompt = state?.stepUp ? <StepUpPrompt message={state.error} pending={pending} onConfirm={confirm} /> : null;
  return { state, formAction, pending, stepUpPrompt };
}

/** Asks for the signed-in admin's password before a money or bulk action goes ahead. */
export function StepUpPrompt({
  message,
  pending,
  onConfirm,
}: {
  message?: string;
  pending: boolean;
  onConfirm: (password: string) => void;
}) {
  const id = useId();
  const [password, setPassword] = useState("");
  return (
    <form
      aria-label="Confirm your password"
      className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3"
      onSubmit={(event) => {
        event.preventDefault();
        onConfirm(password);
        setPassword("");
      }}
    >
      {message && <Alert tone="error">{message}</Alert>}
      <label htmlFor={id} className="block text-sm font-medium">
        Your password
      </label>
      <input
        id={id}
        type="password"
        autoComplete="current-password"
        required
        autoFocus
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        className={inputClass}
      />
      <Button type="submit" variant="primary" disabled={pending}>
        {pending ? "Working…" : "Confirm and continue"}
      </Button>
    </form>
  );
}

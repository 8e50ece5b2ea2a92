"use client";

import type { ReactNode } from "react";
import type { ActionState } from "@/components/forms/action-state";
import { Alert, Button } from "@/components/ui";
import { useStepUpActionState } from "./step-up-prompt";

/** A form bound to a server action that answers with an error or a success message, or asks for the password again (step-up). */
export function ActionForm({
  action,
  label,
  submitLabel,
  variant = "primary",
  children,
  className,
}: {
  action: (state: ActionState, form: FormData) => Promise<ActionState>;
  label: string;
  submitLabel: string;
  variant?: "primary" | "secondary" | "danger";
  children?: ReactNode;
  className?: string;
}) {
  const { state, formAction, pending, stepUpPrompt } = useStepUpActionState(action, null);
  return (
    <>
      {stepUpPrompt}
      <form action={formAction} aria-label={label} className={className ?? "space-y-2"}>
        {state?.error && !state.stepUp && <Alert tone="error">{state.error}</Alert>}
        {state?.success && <Alert tone="success">{state.success}</Alert>}
        {children}
        <Button type="submit" variant={variant} disabled={pending}>
          {pending ? "Working…" : submitLabel}
        </Button>
      </form>
    </>
  );
}

"use client";

import { typedField, type FormAction } from "@/components/forms/action-state";
import { useStepUpActionState } from "@/components/admin/step-up-prompt";
import { Alert, Button, Field } from "@/components/ui";

/** The page passes its server action in, and a fresh `requestKey` per rendering: a double submit of one rendering is applied once. */
export function AdjustmentForm({
  userId,
  currency,
  requestKey,
  action: adjust,
}: {
  userId: string;
  currency: string;
  requestKey: string;
  action: FormAction;
}) {
  const { state, formAction: action, pending, stepUpPrompt } = useStepUpActionState(adjust, null);
  return (
    <>
      {stepUpPrompt}
      <form action={action} className="space-y-4" aria-label="Adjust wallet" noValidate>
        {state?.error && !state.stepUp && <Alert tone="error">{state.error}</Alert>}
        {state?.success && <Alert tone="success">{state.success}</Alert>}
        <input type="hidden" name="userId" value={userId} />
        <input type="hidden" name="requestKey" value={requestKey} />
        <Field
          {...typedField(state, "amount")}
          label={`Amount (${currency})`}
          inputMode="decimal"
          autoComplete="off"
          required
          hint="Positive to credit, negative to debit, e.g. 5 or -12.50."
        />
        <Field
          {...typedField(state, "reason")}
          label="Reason"
          required
          maxLength={500}
          hint="Shown to the customer in their wallet history and kept in the audit log."
        />
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Record adjustment"}
        </Button>
      </form>
    </>
  );
}

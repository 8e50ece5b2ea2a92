"use client";

import { useActionState } from "react";
import { useStepUpActionState } from "./step-up-prompt";
import type { FormAction, ActionState } from "@/components/forms/action-state";
import { Alert, Button, inputClass } from "@/components/ui";

/**
 * The batch status form: ICCIDs pasted and/or a CSV file. On an error the
 * pasted text comes back (React resets a form after its action), so a long
 * list is fixed rather than pasted again.
 */
export function IccidBatchForm({ action, maxCards }: { action: FormAction; maxCards: number }) {
  const { state, formAction, pending, stepUpPrompt } = useStepUpActionState(action, null);
  return (
    <>
      {stepUpPrompt}
      <form action={formAction} aria-label="Batch ICCID status query" className="space-y-3">
        {state?.error && !state.stepUp && <Alert tone="error">{state.error}</Alert>}
        <div className="space-y-1">
          <label htmlFor="iccid-list" className="block text-sm font-medium">
            ICCIDs
          </label>
          <textarea
            id="iccid-list"
            key={state?.values?.iccids ?? ""}
            name="iccids"
            rows={8}
            defaultValue={state?.values?.iccids}
            placeholder={"8985202000000000001\n8985202000000000002"}
            aria-describedby="iccid-list-hint"
            className={`${inputClass} font-mono`}
          />
          <p id="iccid-list-hint" className="text-xs text-slate-500">
            One per line, or separated by commas or spaces; 18 to 20 digits each; repeats are dropped; up to{" "}
            {maxCards.toLocaleString("en-US")} cards.
          </p>
        </div>
        <div className="space-y-1">
          <label htmlFor="iccid-file" className="block text-sm font-medium">
            Or a CSV file
          </label>
          <input id="iccid-file" name="file" type="file" accept=".csv,.txt,text/csv,text/plain" className="text-sm" />
        </div>
        <Button type="submit" disabled={pending}>
          {pending ? "Working…" : "Query card status"}
        </Button>
      </form>
    </>
  );
}

/** One ICCID, to open the card's history and renewal options. */
export function CardLookupForm({ action }: { action: FormAction }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, null);
  return (
    <form action={formAction} aria-label="Look up a card" className="flex flex-wrap items-end gap-2">
      <div className="space-y-1">
        <label htmlFor="card-iccid" className="block text-sm font-medium">
          ICCID
        </label>
        <input
          id="card-iccid"
          key={state?.values?.iccid ?? ""}
          name="iccid"
          required
          inputMode="numeric"
          defaultValue={state?.values?.iccid}
          aria-invalid={state?.error ? true : undefined}
          className={`${inputClass} w-64 font-mono`}
        />
      </div>
      <Button type="submit" variant="secondary" disabled={pending}>
        Card history and renewals
      </Button>
      {state?.error && (
        <p role="alert" className="w-full text-sm text-red-600">
          {state.error}
        </p>
      )}
    </form>
  );
}

"use client";

import { useId } from "react";
import { typedField, type FormAction } from "@/components/forms/action-state";
import { Alert, Button, Field } from "@/components/ui";
import { inputClass } from "@/components/ui/field";
import { useStepUpActionState } from "./step-up-prompt";

export interface PhysicalPackageOption {
  planRef: string;
  label: string;
}

/**
 * Orders physical SIM cards for the distribution partner. The page passes a
 * fresh `requestKey` per rendering: a double submit of one rendering places
 * one order.
 */
export function PhysicalOrderForm({
  packages,
  maxQuantity,
  requestKey,
  action: place,
}: {
  packages: PhysicalPackageOption[];
  maxQuantity: number;
  requestKey: string;
  action: FormAction;
}) {
  const { state, formAction: action, pending, stepUpPrompt } = useStepUpActionState(place, null);
  const selectId = useId();
  return (
    <>
      {stepUpPrompt}
      <form action={action} className="space-y-4" aria-label="Order physical SIMs" noValidate>
        {state?.error && !state.stepUp && <Alert tone="error">{state.error}</Alert>}
        <input type="hidden" name="requestKey" value={requestKey} />
        <div className="space-y-1">
          <label htmlFor={selectId} className="block text-sm font-medium text-slate-800">
            Package
          </label>
          <select id={selectId} name="planRef" className={inputClass} defaultValue={state?.values?.planRef} required>
            {packages.map((p) => (
              <option key={p.planRef} value={p.planRef}>
                {p.label}
              </option>
            ))}
          </select>
          {state?.fieldErrors?.planRef && <p className="text-xs text-red-600">{state.fieldErrors.planRef}</p>}
        </div>
        <Field
          label="Quantity"
          name="quantity"
          type="number"
          min={1}
          max={maxQuantity}
          required
          defaultValue={state?.values?.quantity ?? "1"}
          error={state?.fieldErrors?.quantity}
        />
        <Field {...typedField(state, "customerEmail")} label="Customer email (optional)" type="email" autoComplete="off" />
        <Field {...typedField(state, "note")} label="Note (optional)" maxLength={500} />
        <Field {...typedField(state, "reason")} label="Reason" required maxLength={500} hint="Kept with the order and in the audit log." />
        <Button type="submit" disabled={pending}>
          {pending ? "Ordering…" : "Order physical SIMs"}
        </Button>
      </form>
    </>
  );
}

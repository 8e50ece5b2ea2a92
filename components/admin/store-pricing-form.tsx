"use client";

import { Alert, Button, inputClass, Table, Td, Th } from "@/components/ui";
import type { PricingPreview, StorePricingInput } from "@/lib/catalog/settings";
import { formatMoney } from "@/lib/money";
import { useStepUpActionState } from "./step-up-prompt";

export type StorePricingState = {
  error?: string;
  success?: string;
  stepUp?: true;
  preview?: PricingPreview;
  input?: StorePricingInput;
} | null;

/**
 * The store-wide markup, rounding step and provider rule. "Preview" shows
 * what every price and margin would become; "Save" stores the settings and
 * reprices the catalog.
 */
export function StorePricingForm({
  current,
  steps,
  currency,
  action,
}: {
  current: StorePricingInput & { markupPercent: string };
  steps: readonly { value: number; label: string }[];
  currency: string;
  action: (state: StorePricingState, form: FormData) => Promise<StorePricingState>;
}) {
  const { state, formAction, pending, stepUpPrompt } = useStepUpActionState(action, null);
  const money = (minor: number) => formatMoney(minor, currency);
  const preview = state?.preview;
  // React resets a form after its action; the fields then show what was last previewed or saved, not the page's first values.
  const shown = state?.input ? { ...state.input, markupPercent: String(state.input.markupBasisPoints / 100) } : current;
  return (
    <>
      {stepUpPrompt}
      <form action={formAction} aria-label="Store-wide pricing" className="space-y-4">
        {state?.error && !state.stepUp && <Alert tone="error">{state.error}</Alert>}
        {state?.success && <Alert tone="success">{state.success}</Alert>}
        <div key={JSON.stringify(shown)} className="flex flex-wrap items-end gap-4">
          <div className="space-y-1">
            <label htmlFor="store-markup" className="block text-sm font-medium">
              Markup (%)
            </label>
            <input
              id="store-markup"
              name="markup"
              defaultValue={shown.markupPercent}
              inputMode="decimal"
              className={`${inputClass} w-28`}
            />
          </div>
          <div className="space-y-1">
            <label htmlFor="store-step" className="block text-sm font-medium">
              Round up to
            </label>
            <select id="store-step" name="roundingStep" defaultValue={shown.roundingStepMinor} className={`${inputClass} w-56`}>
              {steps.map((step) => (
                <option key={step.value} value={step.value}>
                  {step.label}
                </option>
              ))}
            </select>
          </div>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="autoCheapest" defaultChecked={shown.autoCheapest} />
            Where both providers sell the same plan, sell only the cheaper (unless chosen below)
          </label>
        </div>
        <div className="flex gap-2">
          <Button type="submit" name="intent" value="preview" variant="secondary" disabled={pending}>
            Preview prices
          </Button>
          <Button type="submit" name="intent" value="save" disabled={pending}>
            {pending ? "Working…" : "Save and reprice"}
          </Button>
        </div>
        {preview && (
          <section aria-label="Price preview" className="space-y-2">
            <p className="text-sm">
              {preview.changed} of {preview.priced} marked-up plans on sale would change price
              {preview.floored > 0 && `; ${preview.floored} held at the floor (wholesale plus the payment fee)`}. Margin over all of them,
              one sale each: {money(preview.marginBeforeMinor)} now, {money(preview.marginAfterMinor)} after.
            </p>
            {preview.rows.length > 0 && (
              <Table caption="Largest price changes (first 50)">
                <thead>
                  <tr>
                    <Th>Plan</Th>
                    <Th>Provider</Th>
                    <Th className="text-right">Wholesale</Th>
                    <Th className="text-right">Price now</Th>
                    <Th className="text-right">New price</Th>
                    <Th className="text-right">Margin now</Th>
                    <Th className="text-right">New margin</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100 bg-white">
                  {preview.rows.map((row) => (
                    <tr key={row.planId}>
                      <Td>{row.name}</Td>
                      <Td>{row.provider}</Td>
                      <Td className="text-right tabular-nums">{formatMoney(row.wholesaleMinor, row.currency)}</Td>
                      <Td className="text-right tabular-nums">{formatMoney(row.beforeMinor, row.currency)}</Td>
                      <Td className="text-right tabular-nums">
                        {formatMoney(row.afterMinor, row.currency)}
                        {row.floored && " (floor)"}
                      </Td>
                      <Td className="text-right tabular-nums">{formatMoney(row.marginBeforeMinor, row.currency)}</Td>
                      <Td className="text-right tabular-nums">{formatMoney(row.marginAfterMinor, row.currency)}</Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
          </section>
        )}
      </form>
    </>
  );
}

"use client";

import { useId } from "react";
import { Button } from "@/components/ui";
import type { PlanOffer } from "@/lib/catalog/queries";
import { formatMoney } from "@/lib/money";

/** The quantity picker offers up to this many, within the provider's own limit. */
const QUANTITY_CHOICES = 10;

/** A server action taking the Buy form (the page passes app/orders' startPurchase in). */
export type BuyAction = (form: FormData) => void | Promise<void>;

/** "Buy" for one plan: planId and quantity, and the page to come back to if the plan is gone. */
export function BuyForm({ plan, action, returnTo }: { plan: PlanOffer; action: BuyAction; returnTo: string }) {
  const id = useId();
  const choices = Math.min(QUANTITY_CHOICES, plan.maxQuantity);
  return (
    <form action={action} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="planId" value={plan.id} />
      <input type="hidden" name="returnTo" value={returnTo} />
      {choices > 1 ? (
        <>
          <label className="sr-only" htmlFor={`${id}-quantity`}>
            Number of eSIMs of {plan.name}
          </label>
          <select
            id={`${id}-quantity`}
            name="quantity"
            defaultValue="1"
            className="min-h-11 min-w-11 rounded-md border border-slate-300 bg-white px-2"
          >
            {Array.from({ length: choices }, (_, i) => (
              <option key={i + 1} value={i + 1}>
                {i + 1}
              </option>
            ))}
          </select>
        </>
      ) : (
        <input type="hidden" name="quantity" value="1" />
      )}
      <Button type="submit" className="min-h-11" aria-label={`Buy ${plan.name} for ${formatMoney(plan.priceMinor, plan.currency)}`}>
        Buy
      </Button>
    </form>
  );
}

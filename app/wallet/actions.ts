"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { fieldErrors, type ActionState } from "@/components/forms/action-state";
import { requireUser } from "@/lib/auth/session";
import { createTopUpCheckout, topUpTerms } from "@/lib/billing/checkout";
import { paymentFailureMessage } from "@/lib/billing/errors";
import { parseTopUpAmount } from "@/lib/billing/top-up-pricing";

function topUpSchema() {
  const { limits } = topUpTerms();
  return z.object({
    amount: z
      .string()
      .max(32, { error: "That amount is too long." })
      .transform((text, ctx) => {
        const amount = parseTopUpAmount(text, limits);
        if (amount.ok) return amount.creditMinor;
        ctx.addIssue({ code: "custom", message: amount.error });
        return z.NEVER;
      }),
    requestKey: z.uuid({ error: "This form has expired. Reload the page and try again." }),
  });
}

/** Opens Stripe Checkout for a wallet top-up and sends the browser there. */
export async function startTopUp(_prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireUser("/wallet/top-up");
  const values = { amount: String(form.get("amount") ?? "") };
  const parsed = topUpSchema().safeParse({ amount: values.amount, requestKey: form.get("requestKey") });
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error);
    return { fieldErrors: errors, error: errors.requestKey, values };
  }
  let url: string;
  try {
    ({ url } = await createTopUpCheckout({ userId: user.id, creditMinor: parsed.data.amount, requestKey: parsed.data.requestKey }));
  } catch (err) {
    return { error: paymentFailureMessage(err), values };
  }
  redirect(url);
}

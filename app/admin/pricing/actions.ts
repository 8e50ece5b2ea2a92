"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { ActionState } from "@/components/forms/action-state";
import type { StorePricingState } from "@/components/admin/store-pricing-form";
import { requireAdmin } from "@/lib/auth/session";
import { requireAdminStepUp } from "@/lib/auth/step-up";
import { parsePercentInput, ROUNDING_STEPS } from "@/lib/catalog/pricing";
import {
  chooseShapeProvider,
  previewStorePricing,
  saveStorePricing,
  setMarkupOverride,
  type StorePricingInput,
} from "@/lib/catalog/settings";
import { allProviders } from "@/lib/providers/registry";
import { RecordId } from "@/lib/validation";

function storePricingFrom(form: FormData): StorePricingInput | string {
  const markupBasisPoints = parsePercentInput(String(form.get("markup") ?? ""));
  if (markupBasisPoints === null) return "Enter a markup between 0 and 1000 %, like 35 or 33.5.";
  const roundingStepMinor = Number(form.get("roundingStep"));
  if (!ROUNDING_STEPS.some((step) => step.value === roundingStepMinor)) return "Choose a rounding step from the list.";
  return { markupBasisPoints, roundingStepMinor, autoCheapest: form.get("autoCheapest") === "on" };
}

/** "preview" shows what the settings would do to every price; "save" stores them and reprices the catalog. */
export async function storePricingAction(_prev: StorePricingState, form: FormData): Promise<StorePricingState> {
  const admin = await requireAdmin("/admin/pricing");
  const input = storePricingFrom(form);
  if (typeof input === "string") return { error: input };
  if (form.get("intent") !== "save") return { preview: await previewStorePricing(input), input };
  const stepUp = await requireAdminStepUp("/admin/pricing", form);
  if (!stepUp.ok) return { ...stepUp.answer, input };
  const { repriced, switched } = await saveStorePricing(input, admin.id, stepUp.origin);
  revalidatePath("/admin/pricing");
  return {
    input,
    success: `Saved. ${repriced} ${repriced === 1 ? "price" : "prices"} changed${switched ? `; ${switched} plans switched provider` : ""}.`,
  };
}

const OverrideSchema = z.discriminatedUnion("target", [
  z.object({ target: z.literal("destination"), id: z.string().regex(/^[a-z0-9-]{1,100}$/) }),
  z.object({ target: z.literal("plan"), id: RecordId }),
]);

/** Sets a destination's or a plan's own markup; an empty markup removes it. */
export async function markupOverrideAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const stepUp = await requireAdminStepUp("/admin/pricing", form);
  if (!stepUp.ok) return stepUp.answer;
  const { admin, origin } = stepUp;
  const target = OverrideSchema.safeParse({ target: form.get("target"), id: form.get("id") });
  if (!target.success) return { error: "Choose a destination or plan." };
  const text = String(form.get("markup") ?? "").trim();
  const markup = text === "" ? null : parsePercentInput(text);
  if (markup === null && text !== "") return { error: "Enter a markup between 0 and 1000 %, or leave it empty to use the store's." };
  const done = await setMarkupOverride(
    target.data.target === "plan" ? { planId: target.data.id } : { destinationSlug: target.data.id },
    markup,
    admin.id,
    origin,
  );
  if (!done) return { error: "That destination or plan no longer exists. Reload the page." };
  revalidatePath("/admin/pricing");
  return {
    success: `${markup === null ? "Markup removed" : "Markup saved"}; ${done.repriced} ${done.repriced === 1 ? "price" : "prices"} changed.`,
  };
}

/** Which provider sells a destination's plan shape that both offer; "auto" follows the store-wide rule. */
export async function chooseProviderAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const stepUp = await requireAdminStepUp("/admin/pricing", form);
  if (!stepUp.ok) return stepUp.answer;
  const { admin, origin } = stepUp;
  const parsed = z
    .object({
      destinationSlug: z.string().regex(/^[a-z0-9-]{1,100}$/),
      shapeKey: z.string().regex(/^(\d{1,9}|unlimited)\|\d{1,4}\|(daily|total)$/),
      provider: z.string().refine((id) => id === "auto" || allProviders().some((p) => p.id === id)),
    })
    .safeParse({ destinationSlug: form.get("destinationSlug"), shapeKey: form.get("shapeKey"), provider: form.get("provider") });
  if (!parsed.success) return { error: "Choose a provider from the list." };
  const { provider, ...shape } = parsed.data;
  const { switched } = await chooseShapeProvider({ ...shape, provider: provider === "auto" ? null : provider }, admin.id, origin);
  revalidatePath("/admin/pricing");
  return { success: `Saved; ${switched} ${switched === 1 ? "plan" : "plans"} put on or taken off sale.` };
}

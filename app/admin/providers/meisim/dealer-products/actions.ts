"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import type { ActionState } from "@/components/forms/action-state";
import { MEISIM_TOOLS_PATH } from "@/lib/admin/meisim-tools";
import { originFromHeaders } from "@/lib/audit";
import { requireAdmin } from "@/lib/auth/session";
import { requireAdminStepUp } from "@/lib/auth/step-up";
import { DealerProductInput, DealerProductPriceError, saveDealerProduct, withdrawDealerProduct } from "@/lib/catalog/dealer-products";
import { parseMoneyInput } from "@/lib/money";
import { textField } from "@/lib/validation";

const PAGE = `${MEISIM_TOOLS_PATH}/dealer-products`;
const Reason = textField({ max: 300, label: "The reason" }).min(3, { error: "Give a reason (at least 3 characters)." });

async function actor(form: FormData) {
  const admin = await requireAdmin(PAGE);
  const reason = Reason.safeParse(form.get("reason"));
  if (!reason.success) return { error: reason.error.issues[0]!.message };
  return { actor: { actorId: admin.id, reason: reason.data, origin: originFromHeaders(await headers()) } };
}

const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();

/** Adds a dealer product, or changes one (the same productId) and puts it back on sale. */
export async function saveDealerProductAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  // It sets a retail price.
  const stepUp = await requireAdminStepUp(PAGE, form);
  if (!stepUp.ok) return stepUp.answer;
  const who = await actor(form);
  if ("error" in who) return { error: who.error };
  const priceMinor = parseMoneyInput(text(form, "price"), "USD");
  const dealerCostMinor = parseMoneyInput(text(form, "dealerCost"), "USD");
  if (priceMinor === null || dealerCostMinor === null) return { error: "Enter the retail price and the dealer cost in USD, e.g. 34.99." };
  const dataGb = text(form, "dataGb");
  const dataMb = dataGb === "" ? null : Math.round(Number(dataGb) * 1024);
  if (dataMb !== null && !(Number.isFinite(dataMb) && dataMb > 0)) return { error: "Enter the data in GB, or leave it empty." };
  const parsed = DealerProductInput.safeParse({
    productId: text(form, "productId"),
    name: text(form, "name"),
    country: text(form, "country"),
    priceMinor,
    dealerCostMinor,
    days: Number(text(form, "days")),
    dataMb,
    usPrepaid: form.get("usPrepaid") === "on",
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { error: issue.path[0] === "days" ? "Enter the validity as 1 to 365 days." : issue.message };
  }
  try {
    await saveDealerProduct(parsed.data, who.actor);
  } catch (err) {
    if (err instanceof DealerProductPriceError) return { error: err.message };
    throw err;
  }
  revalidatePath(PAGE);
  return { success: `Saved ${parsed.data.productId}; it is on sale.` };
}

export async function withdrawDealerProductAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const who = await actor(form);
  if ("error" in who) return { error: who.error };
  const productId = text(form, "productId");
  if (!(await withdrawDealerProduct(productId, who.actor))) return { error: `There is no dealer product ${productId}.` };
  revalidatePath(PAGE);
  return { success: `Withdrew ${productId}; save it again to put it back on sale.` };
}

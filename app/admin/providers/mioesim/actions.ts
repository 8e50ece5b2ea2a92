"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { fieldErrors, type ActionState } from "@/components/forms/action-state";
import { ICCID_PATTERN, iccidListProblem, parseIccidList, requestIccidQuery } from "@/lib/admin/mioesim-tools";
import { requireAdmin } from "@/lib/auth/session";
import { requireAdminStepUp } from "@/lib/auth/step-up";
import { PhysicalOrderError, placePhysicalOrder } from "@/lib/orders/physical";
import { MIOESIM_MAX_QUANTITY } from "@/lib/providers/mioesim";
import { textField } from "@/lib/validation";

/** The largest CSV file the batch form reads (about 45,000 ICCIDs with line breaks; more than a batch takes). */
const CSV_MAX_BYTES = 1_000_000;

const BatchForm = z.object({
  iccids: z.string().max(CSV_MAX_BYTES, { error: "The pasted list is too long; upload a CSV file instead." }),
  file: z
    .instanceof(File)
    .refine((file) => file.size <= CSV_MAX_BYTES, { error: "The CSV file is larger than 1 MB." })
    .nullable(),
});

/** Checks the pasted list and/or CSV file, records the run and queues its job, then opens the run's page. */
export async function startIccidQueryAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  // A batch queries up to thousands of cards at the provider: a bulk action, behind a step-up.
  const stepUp = await requireAdminStepUp("/admin/providers/mioesim/iccids", form);
  if (!stepUp.ok) return stepUp.answer;
  const { admin, origin } = stepUp;
  const file = form.get("file");
  const parsed = BatchForm.safeParse({
    iccids: form.get("iccids") ?? "",
    file: file instanceof File && file.size > 0 ? file : null,
  });
  const pasted = typeof form.get("iccids") === "string" ? String(form.get("iccids")) : "";
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Check the list.", values: { iccids: pasted.slice(0, 20_000) } };
  const text = [parsed.data.iccids, parsed.data.file ? await parsed.data.file.text() : ""].join("\n");
  const list = parseIccidList(text);
  const problem = iccidListProblem(list);
  if (problem) return { error: problem, values: { iccids: pasted.slice(0, 20_000) } };
  const run = await requestIccidQuery(list.iccids, admin.id, origin);
  redirect(`/admin/providers/mioesim/iccids/${run.id}${list.duplicates ? `?duplicates=${list.duplicates}` : ""}`);
}

/** Opens one card's history and renewal options. */
export async function openCardAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  await requireAdmin("/admin/providers/mioesim");
  const iccid = z.string().trim().regex(ICCID_PATTERN).safeParse(form.get("iccid"));
  if (!iccid.success) return { error: "An ICCID is 18 to 20 digits.", values: { iccid: String(form.get("iccid") ?? "").slice(0, 40) } };
  redirect(`/admin/providers/mioesim/cards/${iccid.data}`);
}

const PhysicalOrderForm = z.object({
  planRef: z.string().regex(/^\d{1,9}:\d{1,9}$/, { error: "Choose a package." }),
  quantity: z.coerce
    .number({ error: "Give a quantity." })
    .int({ error: "Give a whole number of cards." })
    .min(1, { error: "Order at least 1 card." })
    .max(MIOESIM_MAX_QUANTITY, { error: `One order takes at most ${MIOESIM_MAX_QUANTITY} cards.` }),
  customerEmail: z.union([z.literal(""), z.email({ error: "Give a valid email address, or leave it empty." }).max(254)]),
  note: textField({ max: 500, label: "The note" }),
  reason: textField({ max: 500, label: "The reason" }).min(5, { error: "Say why you are ordering (at least 5 characters)." }),
  requestKey: z.uuid(),
});

/** Places a physical SIM order for the configured distribution partner, then opens it on the order desk. */
export async function placePhysicalOrderAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const stepUp = await requireAdminStepUp("/admin/providers/mioesim", form);
  if (!stepUp.ok) return stepUp.answer;
  const { admin, origin } = stepUp;
  const fields = ["planRef", "quantity", "customerEmail", "note", "reason"] as const;
  const values = Object.fromEntries(fields.map((name) => [name, String(form.get(name) ?? "").slice(0, 600)]));
  const parsed = PhysicalOrderForm.safeParse({ ...values, requestKey: form.get("requestKey") });
  if (!parsed.success) {
    const { requestKey, ...errors } = fieldErrors(parsed.error);
    return { fieldErrors: errors, error: requestKey && "This form has expired. Reload the page and try again.", values };
  }
  const { customerEmail, note, ...input } = parsed.data;
  let otherOrderId: string;
  try {
    ({ otherOrderId } = await placePhysicalOrder(
      { ...input, customerEmail: customerEmail || null, note: note || null },
      { actorId: admin.id, origin },
    ));
  } catch (err) {
    if (err instanceof PhysicalOrderError) return { error: err.message, values };
    throw err;
  }
  redirect(`/admin/orders/${encodeURIComponent(otherOrderId)}`);
}

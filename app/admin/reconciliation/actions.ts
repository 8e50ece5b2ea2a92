"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { ActionState } from "@/components/forms/action-state";
import { originFromHeaders } from "@/lib/audit";
import { requireAdmin } from "@/lib/auth/session";
import { dismissFinding, fixFinding, startReconciliation } from "@/lib/orders/reconciliation";
import { describeProviderFailure } from "@/lib/providers/errors";
import { RecordId } from "@/lib/validation";

const PAGE = "/admin/reconciliation";
const FindingId = z.object({ findingId: RecordId });

/** Queues a run and returns at once; the page follows its progress. */
export async function runReconciliationAction(_prev: ActionState): Promise<ActionState> {
  const admin = await requireAdmin(PAGE);
  let created: boolean;
  try {
    ({ created } = await startReconciliation(admin.id, originFromHeaders(await headers())));
  } catch (err) {
    return { error: `Could not start reconciliation: ${describeProviderFailure(err)}` };
  }
  revalidatePath(PAGE);
  return { success: created ? "Reconciliation started." : "A run is already under way." };
}

export async function fixFindingAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const admin = await requireAdmin(PAGE);
  const parsed = FindingId.safeParse({ findingId: form.get("findingId") });
  if (!parsed.success) return { error: "Invalid request." };
  const outcome = await fixFinding(parsed.data.findingId, admin.id, originFromHeaders(await headers()));
  revalidatePath(PAGE);
  return outcome.done ? { success: outcome.message } : { error: outcome.message };
}

export async function dismissFindingAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const admin = await requireAdmin(PAGE);
  const parsed = FindingId.safeParse({ findingId: form.get("findingId") });
  if (!parsed.success) return { error: "Invalid request." };
  const outcome = await dismissFinding(parsed.data.findingId, admin.id, originFromHeaders(await headers()));
  revalidatePath(PAGE);
  return outcome.done ? { success: outcome.message } : { error: outcome.message };
}

"use server";

import { revalidatePath } from "next/cache";
import type { ActionState } from "@/components/forms/action-state";
import { requireAdmin } from "@/lib/auth/session";
import { requestCatalogSync } from "@/lib/catalog/sync";

/** Queues one catalog.sync job per provider; the page follows their progress. */
export async function syncCatalogAction(_prev: ActionState): Promise<ActionState> {
  const admin = await requireAdmin("/admin/catalog");
  const requests = await requestCatalogSync(admin.id);
  revalidatePath("/admin/catalog");
  return {
    success: requests.map((r) => `${r.displayName}: ${r.queued ? "sync queued" : "a sync is already queued or running"}`).join(" · "),
  };
}

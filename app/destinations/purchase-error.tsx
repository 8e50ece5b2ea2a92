"use client";

import { useSearchParams } from "next/navigation";
import { orderErrorMessage } from "@/app/orders/errors";
import { Alert } from "@/components/ui";

/**
 * Why a Buy did not go through: startPurchase sends the visitor back with
 * `?error=<code>`. Read in the browser, so the cached catalog page around it
 * stays the same for everyone (render it inside <Suspense>).
 */
export function PurchaseError() {
  const message = orderErrorMessage(useSearchParams().get("error") ?? undefined);
  return message ? <Alert tone="warning">{message}</Alert> : null;
}

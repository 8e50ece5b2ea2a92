import "server-only";
import { currentUser, requireUser } from "@/lib/auth/session";
import type { User } from "@/lib/generated/prisma/client";
import { withAccessKey } from "@/lib/orders/guest-access";
import type { OrderViewer } from "@/lib/orders/orders";

/**
 * Who looks at an order page, or submits one of its forms: the signed-in
 * user, and the key of the guest order link the page was opened with (the
 * page binds it to its forms' actions; like any key, it is checked against
 * the order it names). Signed out without a key: sign in first, then back
 * to `returnTo`.
 */
export async function orderViewer(
  accessKey: unknown,
  returnTo: string,
): Promise<{ user: User | null; viewer: OrderViewer & { accessKey: string | null } }> {
  const key = typeof accessKey === "string" && accessKey !== "" ? accessKey : null;
  const user = key ? await currentUser() : await requireUser(returnTo);
  return { user, viewer: { userId: user?.id ?? null, accessKey: key } };
}

/** The order page to send the viewer back to; signed with the guest order link's key they came with (`accessKey`), never a fresh one. */
export function orderPageFor(otherOrderId: string, accessKey: string | null, query = ""): string {
  const path = `/orders/${encodeURIComponent(otherOrderId)}${query && `?${query}`}`;
  return accessKey ? withAccessKey(path, accessKey) : path;
}

import { notFound, redirect } from "next/navigation";
import { requireAdmin } from "@/lib/auth/session";
import { recordIdFrom } from "@/lib/validation";

/** A customer's wallet is on their page now. */
export default async function CustomerWalletPage({ params }: { params: Promise<{ userId: string }> }) {
  const userId = recordIdFrom((await params).userId);
  if (!userId) notFound();
  await requireAdmin(`/admin/wallets/${userId}`);
  redirect(`/admin/customers/${userId}`);
}

import { redirect } from "next/navigation";
import { requireAdmin } from "@/lib/auth/session";

/** Wallets are part of each customer's page now; the list with its search lives at /admin/customers. */
export default async function WalletsPage({ searchParams }: { searchParams: Promise<{ q?: string | string[] }> }) {
  await requireAdmin("/admin/wallets");
  const { q } = await searchParams;
  redirect(typeof q === "string" && q ? `/admin/customers?q=${encodeURIComponent(q)}` : "/admin/customers");
}

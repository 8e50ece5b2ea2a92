import { redirect } from "next/navigation";
import { requireAdmin } from "@/lib/auth/session";

/** The customer list moved to /admin/customers; old links land there. */
export default async function UsersPage() {
  await requireAdmin("/admin/users");
  redirect("/admin/customers");
}

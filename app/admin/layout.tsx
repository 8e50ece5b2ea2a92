import type { ReactNode } from "react";
import { AdminNav } from "@/components/admin/admin-nav";

// Rendered per request, never prerendered: see docs/caching.md.
export const dynamic = "force-dynamic";

// Each admin page and action checks the role itself (requireAdmin): a layout
// is not re-rendered on every navigation, so it cannot be the only gate.
export default function AdminLayout({ children }: { children: ReactNode }) {
  return (
    <div>
      <AdminNav />
      {children}
    </div>
  );
}

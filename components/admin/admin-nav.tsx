import Link from "next/link";

const links = [
  { href: "/admin", label: "Overview" },
  { href: "/admin/orders", label: "Orders" },
  { href: "/admin/reconciliation", label: "Reconciliation" },
  { href: "/admin/topups", label: "Top-ups" },
  { href: "/admin/customers", label: "Customers" },
  { href: "/admin/pricing", label: "Pricing" },
  { href: "/admin/catalog", label: "Catalog" },
  { href: "/admin/providers", label: "Providers" },
  { href: "/admin/outbox", label: "Outbox" },
  { href: "/admin/audit", label: "Audit log" },
  { href: "/admin/security", label: "Security" },
];

export function AdminNav() {
  return (
    <nav aria-label="Admin" className="mb-6 flex flex-wrap gap-2 border-b border-slate-200 pb-3 text-sm">
      {links.map((l) => (
        <Link key={l.href} href={l.href} className="rounded-md px-3 py-1.5 text-slate-700 hover:bg-slate-100">
          {l.label}
        </Link>
      ))}
    </nav>
  );
}

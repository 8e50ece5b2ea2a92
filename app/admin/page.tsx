import { Card } from "@/components/ui";
import { requireAdmin } from "@/lib/auth/session";
import { db } from "@/lib/db/client";

export const metadata = { title: "Admin" };

export default async function AdminHome() {
  await requireAdmin("/admin");
  const [customers, plans, destinations] = await Promise.all([
    db().user.count({ where: { role: "CUSTOMER" } }),
    db().plan.count({ where: { active: true } }),
    db().destination.count(),
  ]);
  const stats = [
    { label: "Customers", value: customers },
    { label: "Active plans", value: plans },
    { label: "Destinations", value: destinations },
  ];
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Store admin</h1>
      <div className="grid gap-4 sm:grid-cols-3">
        {stats.map((s) => (
          <Card key={s.label}>
            <p className="text-sm text-slate-500">{s.label}</p>
            <p className="text-3xl font-bold">{s.value}</p>
          </Card>
        ))}
      </div>
    </div>
  );
}

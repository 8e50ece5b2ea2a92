import { Table, Td, Th } from "@/components/ui";
import { requireAdmin } from "@/lib/auth/session";
import { db } from "@/lib/db/client";

export const metadata = { title: "Audit log" };

export default async function AuditPage() {
  await requireAdmin("/admin/audit");
  const entries = await db().auditLog.findMany({
    orderBy: { createdAt: "desc" },
    take: 200,
    include: { actor: { select: { email: true } } },
  });
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Audit log</h1>
      <Table caption="Audit log, newest first">
        <thead>
          <tr>
            <Th>When</Th>
            <Th>Who</Th>
            <Th>Action</Th>
            <Th>Record</Th>
            <Th>From</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 bg-white">
          {entries.map((e) => (
            <tr key={e.id}>
              <Td>{e.createdAt.toISOString().replace("T", " ").slice(0, 19)}</Td>
              <Td>{e.actor?.email ?? "system"}</Td>
              <Td>{e.action}</Td>
              <Td>
                {e.entityType}
                {e.entityId ? ` ${e.entityId}` : ""}
              </Td>
              <Td>{e.ip ?? "—"}</Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

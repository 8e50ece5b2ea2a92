import { Badge, Table, Td, Th } from "@/components/ui";
import { requireAdmin } from "@/lib/auth/session";
import { db } from "@/lib/db/client";

export const metadata = { title: "Customers" };

export default async function UsersPage() {
  await requireAdmin("/admin/users");
  const users = await db().user.findMany({ orderBy: { createdAt: "desc" }, take: 200, include: { wallet: true } });
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Customers</h1>
      <Table caption="Customers, newest first">
        <thead>
          <tr>
            <Th>Email</Th>
            <Th>Name</Th>
            <Th>Role</Th>
            <Th>Joined</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 bg-white">
          {users.map((u) => (
            <tr key={u.id}>
              <Td>{u.email}</Td>
              <Td>{u.name}</Td>
              <Td>
                <Badge tone={u.role === "ADMIN" ? "info" : "neutral"}>{u.role.toLowerCase()}</Badge>
              </Td>
              <Td>{u.createdAt.toISOString().slice(0, 10)}</Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

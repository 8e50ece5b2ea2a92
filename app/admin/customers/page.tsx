import Link from "next/link";
import { SearchForm } from "@/components/admin/search-form";
import { Alert, Badge, Table, Td, Th } from "@/components/ui";
import { searchCustomers } from "@/lib/admin/customers";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { searchFrom } from "@/lib/validation";

export const metadata = { title: "Customers" };

export default async function CustomersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdmin("/admin/customers");
  const { query: search, error } = searchFrom((await searchParams).q);
  const customers = await searchCustomers(search);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Customers</h1>
      {error && <Alert tone="warning">{error}</Alert>}
      <SearchForm id="customer-search" label="Search by email or name" defaultValue={search} />
      <Table caption="Customers, newest first (first 100 matching)">
        <thead>
          <tr>
            <Th>Email</Th>
            <Th>Name</Th>
            <Th>Account</Th>
            <Th className="text-right">Orders</Th>
            <Th className="text-right">Wallet</Th>
            <Th>Joined</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 bg-white">
          {customers.map((c) => (
            <tr key={c.id}>
              <Td>
                <Link href={`/admin/customers/${c.id}`} className="text-brand-700 underline">
                  {c.email}
                </Link>
              </Td>
              <Td>{c.name}</Td>
              <Td>
                <span className="flex gap-1">
                  {c.role === "ADMIN" && <Badge tone="info">admin</Badge>}
                  {c.disabledAt ? <Badge tone="bad">disabled</Badge> : <Badge tone="good">active</Badge>}
                </span>
              </Td>
              <Td className="text-right tabular-nums">{c.orders}</Td>
              <Td className="text-right tabular-nums">{formatMoney(c.balanceMinor, c.currency)}</Td>
              <Td>{c.createdAt.toISOString().slice(0, 10)}</Td>
            </tr>
          ))}
        </tbody>
      </Table>
      {customers.length === 0 && <p className="text-sm text-slate-600">No customers match.</p>}
    </div>
  );
}

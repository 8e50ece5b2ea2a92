import Link from "next/link";
import { savePassword } from "@/app/account/actions";
import { AccountPasswordForm } from "@/components/auth/auth-forms";
import { OrderStatusBadge } from "@/components/orders/order-status";
import { ButtonLink, Card, Table, Td, Th } from "@/components/ui";
import { requireUser } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { listOrdersForUser } from "@/lib/orders/orders";

export const metadata = { title: "My account" };

export default async function AccountPage() {
  const user = await requireUser("/account");
  const orders = await listOrdersForUser(user.id);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Hello, {user.name ?? user.email}</h1>
      {orders.length > 0 && (
        <p>
          <Link className="font-semibold text-brand-600 underline" href="/esims">
            My eSIMs
          </Link>
          : data left, days left, install details and top-ups for each eSIM.
        </p>
      )}
      {orders.length === 0 ? (
        <Card className="space-y-3">
          <p className="text-slate-600">You have no eSIMs yet.</p>
          <ButtonLink href="/destinations">Find a plan</ButtonLink>
        </Card>
      ) : (
        <Table caption="My orders, newest first">
          <thead>
            <tr>
              <Th>Destination</Th>
              <Th>Plan</Th>
              <Th>Price</Th>
              <Th>Status</Th>
              <Th>Ordered</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 bg-white">
            {orders.map((o) => (
              <tr key={o.otherOrderId}>
                <Td>
                  <Link className="font-semibold text-brand-600 underline" href={`/orders/${o.otherOrderId}`}>
                    {o.plan.destination.name}
                  </Link>
                </Td>
                <Td>{o.planName}</Td>
                <Td>{formatMoney(o.amountMinor, o.currency)}</Td>
                <Td>
                  <OrderStatusBadge status={o.status} />
                </Td>
                <Td>{o.createdAt.toISOString().slice(0, 10)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <Card className="max-w-md space-y-4">
        <h2 className="text-lg font-semibold">{user.passwordHash ? "Change your password" : "Set a password"}</h2>
        {!user.passwordHash && <p className="text-slate-600">Your account has no password yet: you sign in with emailed links.</p>}
        <AccountPasswordForm hasPassword={user.passwordHash !== null} action={savePassword} />
      </Card>
    </div>
  );
}

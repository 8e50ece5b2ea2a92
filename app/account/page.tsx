import { Card, CardTitle } from "@/components/ui";
import { requireUser } from "@/lib/auth/session";

export const metadata = { title: "My eSIMs" };

export default async function AccountPage() {
  const user = await requireUser("/account");
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Hello, {user.name ?? user.email}</h1>
      <Card>
        <CardTitle>My eSIMs</CardTitle>
        <p className="mt-2 text-sm text-slate-600">Your eSIMs and their install details appear here after you buy a plan.</p>
      </Card>
    </div>
  );
}

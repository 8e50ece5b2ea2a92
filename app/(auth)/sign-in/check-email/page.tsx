import { Card } from "@/components/ui";

export const metadata = { title: "Check your email" };

export default function CheckEmailPage() {
  return (
    <div className="mx-auto max-w-md">
      <Card>
        <h1 className="text-xl font-bold">Check your email</h1>
        <p className="mt-2 text-slate-600">We sent you a sign-in link. It works once and expires in 15 minutes.</p>
      </Card>
    </div>
  );
}

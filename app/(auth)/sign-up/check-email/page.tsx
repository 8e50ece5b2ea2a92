import { resendConfirmation } from "@/app/(auth)/actions";
import { ResendConfirmationForm } from "@/components/auth/auth-forms";
import { Card } from "@/components/ui";
import { safeCallbackPath } from "@/lib/auth/session";
import { EmailSchema } from "@/lib/auth/users";

export const metadata = { title: "Confirm your email" };

export default async function ConfirmEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const email = EmailSchema.safeParse(params.email);
  return (
    <div className="mx-auto max-w-md">
      <Card className="space-y-4">
        <h1 className="text-xl font-bold">Confirm your email</h1>
        <p className="text-slate-600">
          We sent a link to {email.success ? <strong>{email.data}</strong> : "your email address"}. Follow it to confirm the address, then
          sign in. The link works once and expires in 24 hours.
        </p>
        {email.success && (
          <ResendConfirmationForm email={email.data} callbackUrl={safeCallbackPath(params.callbackUrl)} action={resendConfirmation} />
        )}
      </Card>
    </div>
  );
}

import Link from "next/link";
import { resetPasswordWithLink } from "@/app/(auth)/actions";
import { ResetPasswordForm } from "@/components/auth/auth-forms";
import { Card } from "@/components/ui";
import { EmailSchema } from "@/lib/auth/users";

export const metadata = { title: "Choose a new password" };

/** The emailed reset link opens this page; showing it uses nothing up, only the form's post sets the password. */
export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const email = EmailSchema.safeParse(params.email);
  return (
    <div className="mx-auto max-w-md space-y-6">
      <h1 className="text-2xl font-bold">Choose a new password</h1>
      <Card className="space-y-4">
        {email.success && params.token ? (
          <>
            <p className="text-slate-600">
              For <strong>{email.data}</strong>. Every other session of the account is signed out.
            </p>
            <ResetPasswordForm email={email.data} token={params.token} action={resetPasswordWithLink} />
          </>
        ) : (
          <p className="text-slate-600">
            This link is incomplete.{" "}
            <Link className="font-semibold text-brand-600" href="/forgot-password">
              Ask for a new one
            </Link>
            .
          </p>
        )}
      </Card>
    </div>
  );
}

import Link from "next/link";
import { askForPasswordReset } from "@/app/(auth)/actions";
import { ForgotPasswordForm } from "@/components/auth/auth-forms";
import { Card } from "@/components/ui";

export const metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <div className="mx-auto max-w-md space-y-6">
      <h1 className="text-2xl font-bold">Forgot your password?</h1>
      <Card className="space-y-4">
        <p className="text-slate-600">We will email you a link to choose a new one. It works once, for 30 minutes.</p>
        <ForgotPasswordForm action={askForPasswordReset} />
      </Card>
      <p className="text-sm text-slate-600">
        <Link className="font-semibold text-brand-600" href="/sign-in">
          Back to sign in
        </Link>
      </p>
    </div>
  );
}

import Link from "next/link";
import { redirect } from "next/navigation";
import { resendConfirmation, signInWithEmailLink, signInWithPassword } from "@/app/(auth)/actions";
import { EmailLinkForm, PasswordSignInForm } from "@/components/auth/auth-forms";
import { Alert, Card } from "@/components/ui";
import { currentUser, safeCallbackPath } from "@/lib/auth/session";
import { EmailSchema } from "@/lib/auth/users";

export const metadata = { title: "Sign in" };

const errorMessages: Record<string, string> = {
  Verification: "That sign-in link has expired or was already used. Ask for a new one.",
  AccessDenied: "This account cannot sign in. Contact support.",
  EmailConfirmation: "That confirmation link has expired or was already used. Sign in with your password to have a new one sent.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(params.callbackUrl);
  if (await currentUser()) redirect(callbackUrl);
  const error = params.error ? (errorMessages[params.error] ?? "Sign-in failed. Please try again.") : null;
  const confirmed = EmailSchema.safeParse(params.confirmed);
  const passwordReset = EmailSchema.safeParse(params.passwordReset);
  return (
    <div className="mx-auto max-w-md space-y-6">
      <h1 className="text-2xl font-bold">Sign in</h1>
      {error && <Alert tone="error">{error}</Alert>}
      {confirmed.success && <Alert tone="success">Your email address is confirmed. Sign in with your password.</Alert>}
      {passwordReset.success && <Alert tone="success">Your new password is set. Sign in with it.</Alert>}
      <Card className="space-y-6">
        <PasswordSignInForm
          callbackUrl={callbackUrl}
          email={confirmed.data ?? passwordReset.data}
          action={signInWithPassword}
          resendAction={resendConfirmation}
        />
        <p className="text-sm">
          <Link className="font-semibold text-brand-600" href="/forgot-password">
            Forgot password?
          </Link>
        </p>
        <div className="flex items-center gap-3 text-xs text-slate-500" aria-hidden="true">
          <span className="h-px flex-1 bg-slate-200" /> or <span className="h-px flex-1 bg-slate-200" />
        </div>
        <EmailLinkForm callbackUrl={callbackUrl} action={signInWithEmailLink} />
      </Card>
      <p className="text-sm text-slate-600">
        New here?{" "}
        <Link className="font-semibold text-brand-600" href={`/sign-up?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
          Create an account
        </Link>
      </p>
    </div>
  );
}

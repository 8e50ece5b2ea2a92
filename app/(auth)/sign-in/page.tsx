import Link from "next/link";
import { redirect } from "next/navigation";
import { EmailLinkForm, PasswordSignInForm } from "@/components/auth/auth-forms";
import { Alert, Card } from "@/components/ui";
import { currentUser, safeCallbackPath } from "@/lib/auth/session";

export const metadata = { title: "Sign in" };

const errorMessages: Record<string, string> = {
  Verification: "That sign-in link has expired or was already used. Ask for a new one.",
  AccessDenied: "This account cannot sign in. Contact support.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(params.callbackUrl);
  if (await currentUser()) redirect(callbackUrl);
  const error = params.error ? (errorMessages[params.error] ?? "Sign-in failed. Please try again.") : null;
  return (
    <div className="mx-auto max-w-md space-y-6">
      <h1 className="text-2xl font-bold">Sign in</h1>
      {error && <Alert tone="error">{error}</Alert>}
      <Card className="space-y-6">
        <PasswordSignInForm callbackUrl={callbackUrl} />
        <div className="flex items-center gap-3 text-xs text-slate-500" aria-hidden="true">
          <span className="h-px flex-1 bg-slate-200" /> or <span className="h-px flex-1 bg-slate-200" />
        </div>
        <EmailLinkForm callbackUrl={callbackUrl} />
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

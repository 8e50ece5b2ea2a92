import Link from "next/link";
import { redirect } from "next/navigation";
import { signUp } from "@/app/(auth)/actions";
import { SignUpForm } from "@/components/auth/auth-forms";
import { Card } from "@/components/ui";
import { currentUser, safeCallbackPath } from "@/lib/auth/session";

export const metadata = { title: "Create account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const callbackUrl = safeCallbackPath((await searchParams).callbackUrl);
  if (await currentUser()) redirect(callbackUrl);
  return (
    <div className="mx-auto max-w-md space-y-6">
      <h1 className="text-2xl font-bold">Create your account</h1>
      <Card>
        <SignUpForm callbackUrl={callbackUrl} action={signUp} />
      </Card>
      <p className="text-sm text-slate-600">
        Already have an account?{" "}
        <Link className="font-semibold text-brand-600" href={`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
          Sign in
        </Link>
      </p>
    </div>
  );
}

import { redirect } from "next/navigation";
import { signOutAction } from "@/app/(auth)/actions";
import { secondFactorAction } from "@/app/(auth)/sign-in/second-factor/actions";
import { SecondFactorForm } from "@/components/auth/second-factor-form";
import { Button, Card } from "@/components/ui";
import { currentSignIn, safeCallbackPath } from "@/lib/auth/session";

export const metadata = { title: "Two-step sign-in" };

/** The step after the password for an account with TOTP: nothing else opens until a code is given. */
export default async function SecondFactorPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const callbackUrl = safeCallbackPath((await searchParams).callbackUrl);
  const signedIn = await currentSignIn();
  if (!signedIn) redirect(`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  if (!signedIn.secondFactorPending) redirect(callbackUrl);
  return (
    <div className="mx-auto max-w-md space-y-6">
      <h1 className="text-2xl font-bold">Two-step sign-in</h1>
      <Card className="space-y-4">
        <p className="text-sm text-slate-600">Enter the code from your authenticator app to finish signing in.</p>
        <SecondFactorForm action={secondFactorAction} callbackUrl={callbackUrl} />
      </Card>
      <form action={signOutAction}>
        <Button type="submit" variant="secondary">
          Cancel and sign out
        </Button>
      </form>
    </div>
  );
}

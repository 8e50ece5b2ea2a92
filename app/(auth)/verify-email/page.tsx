import { confirmEmailAddress } from "@/app/(auth)/actions";
import { Button, Card } from "@/components/ui";
import { safeCallbackPath } from "@/lib/auth/session";
import { EmailSchema } from "@/lib/auth/users";

export const metadata = { title: "Confirm your email address" };

/** The link in the confirmation email opens this page; mail scanners fetch it too, so only its button confirms. */
export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const email = EmailSchema.safeParse(params.email);
  return (
    <div className="mx-auto max-w-md">
      <Card className="space-y-4">
        <h1 className="text-xl font-bold">Confirm your email address</h1>
        {email.success && params.token ? (
          <form action={confirmEmailAddress} className="space-y-4" aria-label="Confirm your email address">
            <p className="text-slate-600">
              Confirm that <strong>{email.data}</strong> is your address and that you created this account. If you did not, close this page:
              nothing changes.
            </p>
            <input type="hidden" name="email" value={email.data} />
            <input type="hidden" name="token" value={params.token} />
            <input type="hidden" name="callbackUrl" value={safeCallbackPath(params.callbackUrl)} />
            <Button type="submit" className="w-full">
              Confirm my email address
            </Button>
          </form>
        ) : (
          <p className="text-slate-600">This link is incomplete. Open the link from the email again.</p>
        )}
      </Card>
    </div>
  );
}

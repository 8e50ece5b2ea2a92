import { Button, Card } from "@/components/ui";
import { callbackFor } from "@/lib/auth/email-link";
import { EmailSchema } from "@/lib/auth/users";

export const metadata = { title: "Sign in with your email link" };

/**
 * Where an emailed sign-in link lands. Fetching it signs nobody in and uses
 * nothing up; the button posts to Auth.js's callback (see lib/auth/email-link).
 * A plain form, so it works before any script has loaded.
 */
export default async function ConfirmEmailLinkPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const email = EmailSchema.safeParse(params.email);
  const query = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  return (
    <div className="mx-auto max-w-md">
      <Card className="space-y-4">
        <h1 className="text-xl font-bold">Sign in</h1>
        {email.success && params.token ? (
          <form method="post" action={callbackFor(query)} className="space-y-4" aria-label="Sign in with your email link">
            <p className="text-slate-600">
              Sign in as <strong>{email.data}</strong>? If you did not ask for a sign-in link, close this page.
            </p>
            <Button type="submit" className="w-full">
              Sign in as {email.data}
            </Button>
          </form>
        ) : (
          <p className="text-slate-600">This link is incomplete. Open the link from the email again, or ask for a new one.</p>
        )}
      </Card>
    </div>
  );
}

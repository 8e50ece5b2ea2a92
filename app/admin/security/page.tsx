import {
  confirmTotpEnrolmentAction,
  removeTotpAction,
  setTotpRequiredAction,
  startTotpEnrolmentAction,
} from "@/app/admin/security/actions";
import { ActionForm } from "@/components/admin/action-form";
import { TotpConfirmForm } from "@/components/admin/totp-confirm-form";
import { Alert, Card, CardTitle } from "@/components/ui";
import { ADMIN_SECURITY_PATH, requireAdminSession, totpRequiredForAdmins } from "@/lib/auth/session";
import { pendingEnrolment, recoveryCodesLeft, totpEnabled } from "@/lib/auth/totp";

export const metadata = { title: "Security" };

/** The admin's own two-step sign-in (TOTP), and whether the store requires it of every admin. */
export default async function AdminSecurityPage({ searchParams }: { searchParams: Promise<{ required?: string }> }) {
  const { user } = await requireAdminSession(ADMIN_SECURITY_PATH);
  const [enabled, required, { required: sentHere }] = await Promise.all([totpEnabled(user.id), totpRequiredForAdmins(), searchParams]);
  const pending = enabled ? null : await pendingEnrolment(user);
  const codesLeft = enabled ? await recoveryCodesLeft(user.id) : 0;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Security</h1>
      {sentHere && !enabled && <Alert tone="error">The store requires two-step sign-in for every admin: set it up to go on.</Alert>}
      <Card className="space-y-3" aria-labelledby="totp-heading">
        <CardTitle id="totp-heading">Two-step sign-in</CardTitle>
        {enabled ? (
          <>
            <p className="text-sm">On: signing in asks for a code from your authenticator app. {codesLeft} of 10 recovery codes left.</p>
            {!required && (
              <ActionForm action={removeTotpAction} label="Turn off two-step sign-in" submitLabel="Turn off" variant="danger" />
            )}
          </>
        ) : pending ? (
          <div className="space-y-3">
            <p className="text-sm">Scan this with an authenticator app (or type the key), then enter the code it shows.</p>
            {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL made here; next/image has nothing to optimise */}
            <img src={pending.qrDataUrl} alt="QR code for your authenticator app" width={240} height={240} />
            <p className="text-sm">
              Key: <code className="font-mono break-all">{pending.secret}</code>
            </p>
            <TotpConfirmForm action={confirmTotpEnrolmentAction} />
          </div>
        ) : (
          <ActionForm action={startTotpEnrolmentAction} label="Set up two-step sign-in" submitLabel="Set up two-step sign-in" />
        )}
      </Card>
      <Card className="space-y-3" aria-labelledby="required-heading">
        <CardTitle id="required-heading">For every admin</CardTitle>
        <p className="text-sm">
          {required
            ? "Required: an admin without two-step sign-in is sent to set it up before anything else."
            : "Optional: each admin chooses."}
        </p>
        <ActionForm
          action={setTotpRequiredAction}
          label="Two-step sign-in for every admin"
          submitLabel={required ? "Make it optional" : "Require it for every admin"}
          variant="secondary"
        >
          <input type="hidden" name="required" value={required ? "false" : "true"} />
        </ActionForm>
      </Card>
    </div>
  );
}

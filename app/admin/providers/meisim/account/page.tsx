import { dealerJwtLoginAction, sendDealerOtpAction, verifyDealerOtpAction } from "../actions";
import { ActionForm } from "@/components/admin/action-form";
import { MeisimNav } from "@/components/admin/meisim-nav";
import { Card, CardTitle, inputClass } from "@/components/ui";
import { MEISIM_TOOLS_PATH } from "@/lib/admin/meisim-tools";
import { dealerKeyIssuedAt } from "@/lib/providers/credential-store";
import { requireAdmin } from "@/lib/auth/session";

export const metadata = { title: "MeiSIM dealer key and login" };

export default async function MeisimAccountPage() {
  await requireAdmin(`${MEISIM_TOOLS_PATH}/account`);
  const issuedAt = await dealerKeyIssuedAt();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">MeiSIM dealer key and login</h1>
      <MeisimNav />
      <Card className="space-y-3">
        <CardTitle>Dealer API key (OTP)</CardTitle>
        <p className="text-sm text-slate-600">
          {issuedAt
            ? `A key obtained here is stored encrypted (since ${issuedAt.toISOString().slice(0, 16).replace("T", " ")} UTC) and used for every dealer call instead of MEISIM_DEALER_KEY.`
            : "No key has been obtained here yet."}{" "}
          A new key is shown once and never logged.
        </p>
        <div className="grid gap-4 md:grid-cols-2">
          <ActionForm action={sendDealerOtpAction} label="Send a MeiSIM sign-in code" submitLabel="Send code" variant="secondary">
            <p className="text-sm font-medium">1. Send a 6-digit code</p>
            <input name="email" type="email" required placeholder="dealer email" aria-label="Dealer email" className={inputClass} />
          </ActionForm>
          <ActionForm
            action={verifyDealerOtpAction}
            label="Verify the MeiSIM code"
            submitLabel="Verify and store the key"
            variant="secondary"
          >
            <p className="text-sm font-medium">2. Enter the code (valid 5 minutes, 5 tries)</p>
            <input
              name="email"
              type="email"
              required
              placeholder="dealer email"
              aria-label="Dealer email for the code"
              className={inputClass}
            />
            <input name="code" required inputMode="numeric" pattern="\d{6}" placeholder="123456" aria-label="Code" className={inputClass} />
            <input name="reason" required minLength={3} maxLength={300} placeholder="reason" aria-label="Reason" className={inputClass} />
          </ActionForm>
        </div>
      </Card>
      <Card className="space-y-3">
        <CardTitle>Password login (JWT)</CardTitle>
        <ActionForm
          action={dealerJwtLoginAction}
          label="Sign in to MeiSIM with the dealer password"
          submitLabel="Sign in"
          variant="secondary"
        >
          <input
            name="email"
            type="email"
            required
            placeholder="dealer email"
            aria-label="Dealer email for the login"
            className={inputClass}
          />
          <input name="password" type="password" required minLength={8} aria-label="Dealer password" className={inputClass} />
          <input
            name="reason"
            required
            minLength={3}
            maxLength={300}
            placeholder="reason"
            aria-label="Reason for the login"
            className={inputClass}
          />
        </ActionForm>
      </Card>
    </div>
  );
}

import type { FormAction } from "@/components/forms/action-state";
import { ActionForm } from "@/components/admin/action-form";
import { inputClass } from "@/components/ui";

export interface MeisimOrderActionsProps {
  otherOrderId: string;
  /** The order's cards; each is its own MeiSIM order. */
  iccids: string[];
  /** The server actions from app/admin/providers/meisim/actions.ts, passed in by the page. */
  actions: { resendEmail: FormAction; replace: FormAction; revoke: FormAction };
  /** Made afresh for each rendering: a second submit of the same action from it is not sent to MeiSIM again. */
  requestKey: string;
}

function CardFields({
  otherOrderId,
  iccids,
  idPrefix,
  requestKey,
}: {
  otherOrderId: string;
  iccids: string[];
  idPrefix: string;
  requestKey: string;
}) {
  return (
    <>
      <input type="hidden" name="otherOrderId" value={otherOrderId} />
      <input type="hidden" name="requestKey" value={requestKey} />
      <label htmlFor={`${idPrefix}-iccid`} className="block text-sm font-medium">
        Card
      </label>
      <select id={`${idPrefix}-iccid`} name="iccid" required className={inputClass}>
        {iccids.map((iccid) => (
          <option key={iccid} value={iccid}>
            {iccid}
          </option>
        ))}
      </select>
      <label htmlFor={`${idPrefix}-reason`} className="block text-sm font-medium">
        Reason
      </label>
      <input id={`${idPrefix}-reason`} name="reason" required minLength={3} maxLength={300} className={inputClass} />
    </>
  );
}

/** MeiSIM's own after-sale actions on one card of a MeiSIM order: resend the activation email, replace, revoke. */
export function MeisimOrderActions({ otherOrderId, iccids, actions, requestKey }: MeisimOrderActionsProps) {
  if (iccids.length === 0) return null;
  return (
    <div className="grid gap-4 md:grid-cols-3">
      <ActionForm
        action={actions.resendEmail}
        label="Resend the MeiSIM activation email"
        submitLabel="Resend email (fee ~$1)"
        variant="secondary"
      >
        <CardFields otherOrderId={otherOrderId} iccids={iccids} idPrefix="meisim-resend" requestKey={requestKey} />
        <label htmlFor="meisim-resend-email" className="block text-sm font-medium">
          To another address (optional)
        </label>
        <input id="meisim-resend-email" name="email" type="email" className={inputClass} />
      </ActionForm>
      <ActionForm
        action={actions.replace}
        label="Replace the MeiSIM eSIM"
        submitLabel="Replace (paid from dealer wallet)"
        variant="secondary"
      >
        <CardFields otherOrderId={otherOrderId} iccids={iccids} idPrefix="meisim-replace" requestKey={requestKey} />
      </ActionForm>
      <ActionForm action={actions.revoke} label="Revoke the MeiSIM eSIM" submitLabel="Revoke" variant="danger">
        <CardFields otherOrderId={otherOrderId} iccids={iccids} idPrefix="meisim-revoke" requestKey={requestKey} />
      </ActionForm>
    </div>
  );
}

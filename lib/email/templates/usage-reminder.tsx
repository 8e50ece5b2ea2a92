/** The usage reminder: 80% of an eSIM's data used, or its plan ending within 3 days (lib/esims/reminders.ts). */
import { formatData } from "../../format";
import { renderEmail } from "../render";
import type { Email } from "../send";
import { ActionButton, DetailRows, EmailLayout, Paragraph, TextLink } from "./layout";

export interface UsageReminderProps {
  kind: "data" | "expiry";
  planName: string;
  iccid: string;
  usedMb: number;
  /** null for an unlimited plan. */
  totalMb: number | null;
  /** ISO date-time the plan ends, when the provider says. */
  expiresAt: string | null;
  /** The eSIM's page in the store: usage, install details, renewal. */
  esimUrl: string;
  /** Where to add data, when the plan can be renewed. */
  renewUrl: string | null;
}

const formatEnd = (iso: string) =>
  new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "UTC",
  }).format(new Date(iso)) + " UTC";

export function usageReminderSubject({ kind, planName }: Pick<UsageReminderProps, "kind" | "planName">): string {
  return kind === "data" ? `You have used most of your data: ${planName}` : `Your eSIM plan ends soon: ${planName}`;
}

function headline(props: UsageReminderProps): string {
  if (props.kind === "expiry") return props.expiresAt ? `Your plan ends on ${formatEnd(props.expiresAt)}.` : "Your plan ends soon.";
  const percent = props.totalMb ? Math.min(100, Math.round((props.usedMb / props.totalMb) * 100)) : null;
  return percent === null
    ? `You have used ${formatData(props.usedMb)}.`
    : `You have used ${percent}% of your data: ${formatData(props.usedMb)} of ${formatData(props.totalMb)}.`;
}

export function UsageReminderEmail(props: UsageReminderProps) {
  const line = headline(props);
  return (
    <EmailLayout preview={line} heading={usageReminderSubject(props)}>
      <Paragraph>{line}</Paragraph>
      <DetailRows
        rows={[
          ["eSIM", props.iccid],
          ["Plan", props.planName],
        ]}
      />
      {props.renewUrl ? (
        <>
          <Paragraph>Add more data to the same eSIM, with nothing new to install:</Paragraph>
          <ActionButton href={props.renewUrl}>Add more data</ActionButton>
        </>
      ) : (
        <Paragraph>This plan cannot be topped up; you can buy a new eSIM in the store.</Paragraph>
      )}
      <Paragraph>
        See your usage and install details: <TextLink href={props.esimUrl}>{props.esimUrl}</TextLink>
      </Paragraph>
    </EmailLayout>
  );
}

/** The reminder as HTML with its plain-text part. */
export async function renderUsageReminder(to: string, props: UsageReminderProps): Promise<Email> {
  return { to, subject: usageReminderSubject(props), ...(await renderEmail(<UsageReminderEmail {...props} />)) };
}

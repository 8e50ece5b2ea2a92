/**
 * The usage reminder: 80% of an eSIM's data used, or its plan ending within
 * 3 days (lib/esims/reminders.ts). Self-contained for now: the shared email
 * layout was not there yet when this was written; move it onto the layout
 * when it lands.
 */
import { Body, Button, Container, Head, Heading, Html, Link, Preview, render, Section, Text } from "@react-email/components";
import type { Email } from "../send";
import { formatData } from "../../format";

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
    <Html lang="en">
      <Head />
      <Preview>{line}</Preview>
      <Body style={{ backgroundColor: "#f8fafc", fontFamily: "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif" }}>
        <Container style={{ backgroundColor: "#ffffff", padding: "24px", maxWidth: "560px" }}>
          <Heading as="h1" style={{ fontSize: "20px", color: "#0f172a" }}>
            {usageReminderSubject(props)}
          </Heading>
          <Text style={{ fontSize: "16px", color: "#0f172a" }}>{line}</Text>
          <Text style={{ fontSize: "14px", color: "#475569" }}>
            eSIM {props.iccid} · {props.planName}
          </Text>
          {props.renewUrl ? (
            <Section>
              <Text style={{ fontSize: "14px", color: "#334155" }}>Add more data to the same eSIM, with nothing new to install:</Text>
              <Button
                href={props.renewUrl}
                style={{ backgroundColor: "#1d4ed8", color: "#ffffff", padding: "12px 20px", borderRadius: "6px", fontWeight: 600 }}
              >
                Add more data
              </Button>
            </Section>
          ) : (
            <Text style={{ fontSize: "14px", color: "#334155" }}>This plan cannot be topped up; you can buy a new eSIM in the store.</Text>
          )}
          <Text style={{ fontSize: "14px", color: "#334155" }}>
            See your usage and install details: <Link href={props.esimUrl}>{props.esimUrl}</Link>
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

/** The reminder as HTML with its plain-text part. */
export async function renderUsageReminder(to: string, props: UsageReminderProps): Promise<Email> {
  const element = <UsageReminderEmail {...props} />;
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { to, subject: usageReminderSubject(props), html, text };
}

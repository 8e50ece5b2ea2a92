import Link from "next/link";
import { esimStateText } from "@/components/orders/esim-install";
import { OrderStatusBadge } from "@/components/orders/order-status";
import { Badge, ButtonLink, Card } from "@/components/ui";
import { daysLeft } from "@/lib/esims/usage";
import type { MyEsim } from "@/lib/esims/my-esims";
import { formatData, formatDate, formatDays } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import type { EsimUsage } from "@/lib/providers/types";
import { DataUsageBar } from "./data-usage-bar";

const stateTone: Record<EsimUsage["state"], "neutral" | "good" | "warn" | "bad" | "info"> = {
  not_installed: "info",
  installed: "good",
  active: "good",
  depleted: "warn",
  expired: "neutral",
  disabled: "neutral",
  deleted: "neutral",
  unknown: "neutral",
};

/** Whether the profile is on a device, which is what a customer needs to know before travelling. */
function installState(usage: EsimUsage | null, activateBefore: string | null): string {
  if (!usage || usage.state === "unknown") return "Not known right now";
  if (usage.state === "not_installed")
    return activateBefore ? `Not installed yet: install before ${formatDate(activateBefore)}` : "Not installed yet";
  if (usage.state === "deleted") return "Removed from the device";
  return "Installed on a device";
}

function timeLeft(usage: EsimUsage | null, now: Date): string {
  const days = daysLeft(usage?.expiresAt ?? null, now);
  if (days === null) return "The plan starts when the eSIM first connects";
  if (days === 0) return "The plan has ended";
  return `${formatDays(days)} left (until ${formatDate(usage!.expiresAt!)})`;
}

/**
 * One eSIM on the My eSIMs pages: its status, data bar, days left, install
 * state, what can be done with it, and its orders (the one that delivered
 * it, then each renewal, linked).
 */
export function EsimSummary({
  item,
  usage,
  now,
  headingLevel = "h2",
  detailsLink = true,
}: {
  item: MyEsim;
  usage: EsimUsage | null;
  now: Date;
  headingLevel?: "h1" | "h2";
  /** On the list: a link to the eSIM's own page with its install details. */
  detailsLink?: boolean;
}) {
  const { esim, renewals, live } = item;
  const { order } = esim;
  const Heading = headingLevel;
  const SubHeading = headingLevel === "h1" ? "h2" : "h3";
  const headingId = `esim-${esim.iccid}`;
  return (
    <Card className="space-y-4" aria-labelledby={headingId}>
      <div className="flex flex-wrap items-center gap-3">
        <Heading id={headingId} className={headingLevel === "h1" ? "text-2xl font-bold" : "text-lg font-semibold"}>
          {order.plan.destination.name}: {order.planName}
        </Heading>
        {esim.cancelledAt ? (
          <Badge>Cancelled</Badge>
        ) : !live ? (
          <OrderStatusBadge status={order.status} />
        ) : usage ? (
          <Badge tone={stateTone[usage.state]}>{esimStateText[usage.state]}</Badge>
        ) : null}
      </div>
      <p className="break-all font-mono text-xs text-slate-600">eSIM {esim.iccid}</p>
      {live && (
        <dl className="grid gap-x-4 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="font-medium">Data</dt>
          <dd>
            {usage ? (
              <DataUsageBar usage={usage} label={`Data used on eSIM ${esim.iccid}`} />
            ) : (
              `${formatData(order.plan.dataMb)} plan; usage unavailable right now`
            )}
          </dd>
          <dt className="font-medium">Time left</dt>
          <dd>{usage ? timeLeft(usage, now) : `${formatDays(order.plan.days)} plan`}</dd>
          <dt className="font-medium">Installed</dt>
          <dd>{installState(usage, esim.activateBefore)}</dd>
        </dl>
      )}
      {live && (
        <div className="flex flex-wrap gap-3">
          {detailsLink && (
            <ButtonLink
              href={`/esims/${encodeURIComponent(esim.iccid)}`}
              variant="secondary"
              aria-label={`Install details for eSIM ${esim.iccid}`}
            >
              Install details
            </ButtonLink>
          )}
          {order.plan.renewable && (
            <ButtonLink href={`/esims/${encodeURIComponent(esim.iccid)}/renew`} aria-label={`Add more data to eSIM ${esim.iccid}`}>
              Add more data
            </ButtonLink>
          )}
        </div>
      )}
      <div className="space-y-2 text-sm">
        <SubHeading className="font-medium">Orders</SubHeading>
        <ul className="space-y-1">
          <li>
            {order.createdAt.toISOString().slice(0, 10)}: bought{" "}
            <Link className="font-semibold text-brand-600 underline" href={`/orders/${order.otherOrderId}`}>
              order {order.otherOrderId}
            </Link>{" "}
            · {formatMoney(order.amountMinor, order.currency)}
          </li>
          {renewals.map((renewal) => (
            <li key={renewal.otherOrderId} className="flex flex-wrap items-center gap-2">
              <span>
                {renewal.createdAt.toISOString().slice(0, 10)}: renewed with {renewal.planName},{" "}
                <Link className="font-semibold text-brand-600 underline" href={`/orders/${renewal.otherOrderId}`}>
                  order {renewal.otherOrderId}
                </Link>{" "}
                · {formatMoney(renewal.amountMinor, renewal.currency)}
              </span>
              <OrderStatusBadge status={renewal.status} />
            </li>
          ))}
        </ul>
      </div>
    </Card>
  );
}

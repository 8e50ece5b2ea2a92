import Link from "next/link";
import { Fragment, type ReactNode } from "react";
import { Badge, Table, Td, Th } from "@/components/ui";
import { pricePerGbMinor } from "@/lib/catalog/plan-choice";
import type { PlanOffer } from "@/lib/catalog/queries";
import { formatData, formatDays } from "@/lib/format";
import { formatMoney } from "@/lib/money";

/**
 * What a plan list shows of a plan. The destination is optional because a
 * renewal lists the eSIM's own plans, which need no coverage badge.
 */
export type ListedPlan = Pick<
  PlanOffer,
  "id" | "name" | "dataMb" | "days" | "priceMinor" | "currency" | "renewable" | "dayPass" | "cancellable"
> &
  Partial<Pick<PlanOffer, "destinationKind" | "destinationName">>;

/** One control per plan (compare, buy, renew…): a column of the table, a button on the card. */
export interface PlanAction<P extends ListedPlan> {
  header: ReactNode;
  cell: (plan: P) => ReactNode;
}

/**
 * Plans as cards below 640 px and as table rows from there up. No state of its
 * own, so a server page and the client plan browser render the same list.
 */
export function PlanList<P extends ListedPlan>({
  caption,
  plans,
  actions,
  notes,
  linkPlans = true,
}: {
  caption: string;
  plans: P[];
  actions: PlanAction<P>[];
  /** What tells look-alike plans apart, by plan id. */
  notes?: Map<string, string[]>;
  /** Whether plan names link to the plan's page, which sells a new eSIM (not what a renewal offers). */
  linkPlans?: boolean;
}) {
  return (
    <>
      <ul className="space-y-3 sm:hidden" aria-label={caption}>
        {plans.map((plan) => (
          <PlanCard key={plan.id} plan={plan} notes={notes?.get(plan.id)} linked={linkPlans}>
            {actions.map((action, i) => (
              <Fragment key={i}>{action.cell(plan)}</Fragment>
            ))}
          </PlanCard>
        ))}
      </ul>
      <Table caption={caption} className="hidden sm:block">
        <thead>
          <tr>
            <Th>Data</Th>
            <Th>Days</Th>
            <Th>Plan</Th>
            <Th>Price</Th>
            {actions.map((action, i) => (
              <Th key={i}>{action.header}</Th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 bg-white">
          {plans.map((plan) => (
            <tr key={plan.id}>
              <Td className="font-semibold whitespace-nowrap">{allowance(plan)}</Td>
              <Td>{plan.days}</Td>
              <Td>
                <PlanSummary plan={plan} notes={notes?.get(plan.id)} linked={linkPlans} />
              </Td>
              <Td className="whitespace-nowrap">
                <Price plan={plan} />
              </Td>
              {actions.map((action, i) => (
                <Td key={i}>{action.cell(plan)}</Td>
              ))}
            </tr>
          ))}
        </tbody>
      </Table>
    </>
  );
}

export function allowance(plan: Pick<ListedPlan, "dataMb" | "dayPass">): string {
  return `${formatData(plan.dataMb)}${plan.dayPass ? " / day" : ""}`;
}

function PlanSummary({ plan, notes, linked }: { plan: ListedPlan; notes: string[] | undefined; linked: boolean }) {
  return (
    <div className="space-y-1">
      {linked ? (
        <Link
          href={`/plans/${plan.id}`}
          className="inline-flex min-h-11 items-center font-medium text-brand-700 underline-offset-2 hover:underline"
        >
          {plan.name}
        </Link>
      ) : (
        <p className="font-medium">{plan.name}</p>
      )}
      <PlanBadges plan={plan}>{plan.destinationKind === "REGION" && <Badge>{plan.destinationName}</Badge>}</PlanBadges>
      {notes && <p className="text-xs text-slate-700">{notes.join(" · ")}</p>}
    </div>
  );
}

/** What sets a plan apart at a glance: top-up, refund policy and day pass; `children` adds more. */
export function PlanBadges({ plan, children }: { plan: Pick<ListedPlan, "renewable" | "cancellable" | "dayPass">; children?: ReactNode }) {
  return (
    <div className="flex flex-wrap gap-1">
      {plan.renewable && <Badge tone="info">Top-up available</Badge>}
      {!plan.cancellable && <Badge tone="warn">Non-refundable</Badge>}
      {plan.dayPass && <Badge>Day pass</Badge>}
      {children}
    </div>
  );
}

function Price({ plan }: { plan: ListedPlan }) {
  const perGb = pricePerGbMinor(plan);
  return (
    <>
      <span className="block font-semibold">{formatMoney(plan.priceMinor, plan.currency)}</span>
      <span className="block text-xs text-slate-600">
        {perGb === null ? "unlimited data" : `${formatMoney(perGb, plan.currency)} per GB`}
      </span>
    </>
  );
}

function PlanCard({
  plan,
  notes,
  linked,
  children,
}: {
  plan: ListedPlan;
  notes: string[] | undefined;
  linked: boolean;
  children: ReactNode;
}) {
  return (
    <li className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex items-baseline justify-between gap-3">
        <p className="text-lg font-semibold">
          {allowance(plan)} · {formatDays(plan.days)}
        </p>
        <div className="text-right">
          <Price plan={plan} />
        </div>
      </div>
      <PlanSummary plan={plan} notes={notes} linked={linked} />
      <div className="flex flex-wrap items-center justify-between gap-2">{children}</div>
    </li>
  );
}

"use client";

import Link from "next/link";
import { useMemo, useState, type ReactNode } from "react";
import {
  MAX_COMPARED,
  NO_FILTER,
  PLAN_SORTS,
  distinguishLookalikes,
  filterPlans,
  pricePerGbMinor,
  sortPlans,
  toggleCompared,
  type PlanFilter,
  type PlanSort,
} from "@/lib/catalog/plan-choice";
import type { PlanOffer } from "@/lib/catalog/queries";
import { formatDays } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import { BuyForm, type BuyAction } from "./buy-form";
import { PlanList, allowance, type PlanAction } from "./plan-list";

const DATA_CHOICES = [
  { label: "Any amount", mb: null },
  { label: "1 GB or more", mb: 1024 },
  { label: "3 GB or more", mb: 3 * 1024 },
  { label: "5 GB or more", mb: 5 * 1024 },
  { label: "10 GB or more", mb: 10 * 1024 },
];
const DAY_CHOICES = [null, 3, 7, 15, 30];
const selectClass = "min-h-11 w-full rounded-md border border-slate-300 bg-white px-2 text-sm";

interface Group {
  id: string;
  title: string;
  plans: PlanOffer[];
}

/**
 * A destination's plans, sorted, filtered and compared in the browser over
 * the list the cached page passed in. Below 640 px each plan is a card; from
 * there up, a table row.
 */
export function PlanBrowser({
  destinationName,
  plans,
  coveringPlans,
  buyAction,
  returnTo,
}: {
  destinationName: string;
  plans: PlanOffer[];
  coveringPlans: PlanOffer[];
  buyAction: BuyAction;
  returnTo: string;
}) {
  const [sort, setSort] = useState<PlanSort>("price");
  const [filter, setFilter] = useState<PlanFilter>(NO_FILTER);
  const [compared, setCompared] = useState<string[]>([]);
  const everyPlan = useMemo(() => [...plans, ...coveringPlans], [plans, coveringPlans]);
  const notes = useMemo(() => distinguishLookalikes(everyPlan), [everyPlan]);
  const groups: Group[] = [
    { id: "plans", title: `Plans for ${destinationName}`, plans: sortPlans(filterPlans(plans, filter), sort) },
    ...(coveringPlans.length > 0
      ? [
          {
            id: "covering",
            title: `Regional and global plans that cover ${destinationName}`,
            plans: sortPlans(filterPlans(coveringPlans, filter), sort),
          },
        ]
      : []),
  ];
  const shown = groups.reduce((n, g) => n + g.plans.length, 0);
  const set = (change: Partial<PlanFilter>) => setFilter((current) => ({ ...current, ...change }));
  const comparedPlans = compared.flatMap((id) => everyPlan.filter((p) => p.id === id));
  const onCompare = (id: string) => setCompared((c) => toggleCompared(c, id));
  const actions: PlanAction<PlanOffer>[] = [
    { header: "Compare", cell: (plan) => <CompareBox plan={plan} compared={compared} onCompare={onCompare} /> },
    { header: <span className="sr-only">Buy</span>, cell: (plan) => <BuyForm plan={plan} action={buyAction} returnTo={returnTo} /> },
  ];

  return (
    <div className="space-y-6">
      <fieldset className="grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-3 lg:grid-cols-6">
        <legend className="px-1 text-sm font-semibold">Sort and filter</legend>
        <Labelled label="Sort by">
          {(id) => (
            <select id={id} value={sort} onChange={(e) => setSort(e.target.value as PlanSort)} className={selectClass}>
              {PLAN_SORTS.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          )}
        </Labelled>
        <Labelled label="Data">
          {(id) => (
            <select
              id={id}
              value={filter.minDataMb ?? ""}
              onChange={(e) => set({ minDataMb: e.target.value ? Number(e.target.value) : null })}
              className={selectClass}
            >
              {DATA_CHOICES.map((c) => (
                <option key={c.label} value={c.mb ?? ""}>
                  {c.label}
                </option>
              ))}
            </select>
          )}
        </Labelled>
        <Labelled label="Days">
          {(id) => (
            <select
              id={id}
              value={filter.minDays ?? ""}
              onChange={(e) => set({ minDays: e.target.value ? Number(e.target.value) : null })}
              className={selectClass}
            >
              {DAY_CHOICES.map((days) => (
                <option key={days ?? "any"} value={days ?? ""}>
                  {days === null ? "Any length" : `${days} days or more`}
                </option>
              ))}
            </select>
          )}
        </Labelled>
        <Labelled label="Type">
          {(id) => (
            <select
              id={id}
              value={filter.kind}
              onChange={(e) => set({ kind: e.target.value as PlanFilter["kind"] })}
              className={selectClass}
            >
              <option value="any">All plans</option>
              <option value="unlimited">Unlimited data</option>
              <option value="dayPass">Day passes</option>
            </select>
          )}
        </Labelled>
        <Check label="Can be topped up" checked={filter.renewable} onChange={(renewable) => set({ renewable })} />
        <Check label="Refundable" checked={filter.refundable} onChange={(refundable) => set({ refundable })} />
      </fieldset>
      <p className="text-sm text-slate-700" aria-live="polite">
        Showing {shown} of {everyPlan.length} plans. Tick up to {MAX_COMPARED} to compare them side by side.
      </p>

      {comparedPlans.length > 0 && <Comparison plans={comparedPlans} onRemove={onCompare} buyAction={buyAction} returnTo={returnTo} />}

      {groups.map((group) => (
        <section key={group.id} aria-labelledby={`${group.id}-title`} className="space-y-3">
          <h2 id={`${group.id}-title`} className="text-xl font-semibold">
            {group.title}
          </h2>
          {group.plans.length === 0 ? (
            <p className="text-slate-600">No plan here matches these filters.</p>
          ) : (
            <PlanList caption={group.title} plans={group.plans} notes={notes} actions={actions} />
          )}
        </section>
      ))}
    </div>
  );
}

function Labelled({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = `plan-${label.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-xs font-medium text-slate-700">
        {label}
      </label>
      {children(id)}
    </div>
  );
}

function Check({ label, checked, onChange }: { label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label className="flex min-h-11 items-center gap-2 self-end text-sm">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} className="size-5" />
      {label}
    </label>
  );
}

function CompareBox({ plan, compared, onCompare }: { plan: PlanOffer; compared: string[]; onCompare: (id: string) => void }) {
  const checked = compared.includes(plan.id);
  return (
    <label className="inline-flex min-h-11 min-w-11 items-center gap-2 text-sm">
      <input
        type="checkbox"
        checked={checked}
        disabled={!checked && compared.length >= MAX_COMPARED}
        onChange={() => onCompare(plan.id)}
        aria-label={`Compare ${plan.name} at ${formatMoney(plan.priceMinor, plan.currency)}`}
        className="size-5"
      />
      <span aria-hidden="true">Compare</span>
    </label>
  );
}

const COMPARED_FACTS: { label: string; value: (plan: PlanOffer) => ReactNode }[] = [
  { label: "Price", value: (p) => formatMoney(p.priceMinor, p.currency) },
  { label: "Data", value: allowance },
  { label: "Valid for", value: (p) => formatDays(p.days) },
  {
    label: "Price per GB",
    value: (p) => {
      const v = pricePerGbMinor(p);
      return v === null ? "—" : formatMoney(v, p.currency);
    },
  },
  { label: "Coverage", value: (p) => p.destinationName },
  { label: "Top-up", value: (p) => (p.renewable ? "Yes" : "No") },
  { label: "Refund", value: (p) => (p.cancellable ? "Until installed" : "No") },
  { label: "Network partner", value: (p) => p.providerName },
];

function Comparison({
  plans,
  onRemove,
  buyAction,
  returnTo,
}: {
  plans: PlanOffer[];
  onRemove: (id: string) => void;
  buyAction: BuyAction;
  returnTo: string;
}) {
  return (
    <section aria-labelledby="compare-title" className="space-y-2 rounded-lg border border-brand-600 bg-white p-3">
      <h2 id="compare-title" className="text-lg font-semibold">
        Comparing {plans.length} {plans.length === 1 ? "plan" : "plans"}
      </h2>
      <table className="w-full table-fixed text-sm">
        <caption className="sr-only">Plans side by side</caption>
        <thead>
          <tr>
            <td className="w-24" />
            {plans.map((p) => (
              <th key={p.id} scope="col" className="break-words px-1 pb-2 text-left align-top font-semibold">
                <Link href={`/plans/${p.id}`} className="text-brand-700 hover:underline">
                  {p.name}
                </Link>
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {COMPARED_FACTS.map((fact) => (
            <tr key={fact.label}>
              <th scope="row" className="py-1 pr-1 text-left font-medium text-slate-700">
                {fact.label}
              </th>
              {plans.map((p) => (
                <td key={p.id} className="break-words px-1 py-1">
                  {fact.value(p)}
                </td>
              ))}
            </tr>
          ))}
          <tr>
            <td />
            {plans.map((p) => (
              <td key={p.id} className="space-y-2 px-1 py-2 align-top">
                <button
                  type="button"
                  onClick={() => onRemove(p.id)}
                  className="min-h-11 text-sm text-slate-700 underline"
                  aria-label={`Remove ${p.name} from the comparison`}
                >
                  Remove
                </button>
                <BuyForm plan={p} action={buyAction} returnTo={returnTo} />
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </section>
  );
}

/**
 * Choosing a plan in the browser: sorting, filtering, comparing and telling
 * look-alike plans apart, all over the cached plan list a catalog page
 * passes to its client components. Pure, so it runs in the browser.
 */
import type { PlanOffer } from "./queries";

export type PlanSort = "price" | "data" | "days" | "pricePerGb";

export const PLAN_SORTS: { value: PlanSort; label: string }[] = [
  { value: "price", label: "Price (lowest first)" },
  { value: "data", label: "Data (most first)" },
  { value: "days", label: "Days (longest first)" },
  { value: "pricePerGb", label: "Price per GB (lowest first)" },
];

export interface PlanFilter {
  /** At least this much data in total (unlimited always qualifies); null for any. */
  minDataMb: number | null;
  /** At least this many days; null for any. */
  minDays: number | null;
  kind: "any" | "unlimited" | "dayPass";
  renewable: boolean;
  refundable: boolean;
}

export const NO_FILTER: PlanFilter = { minDataMb: null, minDays: null, kind: "any", renewable: false, refundable: false };

/** Most plans shown side by side. */
export const MAX_COMPARED = 3;

/** All the data a plan gives over its validity in MB: a day pass gives its allowance every day; unlimited is Infinity. */
export function totalDataMb(plan: Pick<PlanOffer, "dataMb" | "days" | "dayPass">): number {
  if (plan.dataMb === null) return Number.POSITIVE_INFINITY;
  return plan.dayPass ? plan.dataMb * plan.days : plan.dataMb;
}

/** Price per GB in minor units, rounded; null for unlimited plans (no per-GB price). */
export function pricePerGbMinor(plan: Pick<PlanOffer, "dataMb" | "days" | "dayPass" | "priceMinor">): number | null {
  const mb = totalDataMb(plan);
  if (!Number.isFinite(mb) || mb <= 0) return null;
  return Math.round((plan.priceMinor * 1024) / mb);
}

export function filterPlans(plans: readonly PlanOffer[], filter: PlanFilter): PlanOffer[] {
  return plans.filter(
    (plan) =>
      (filter.minDataMb === null || totalDataMb(plan) >= filter.minDataMb) &&
      (filter.minDays === null || plan.days >= filter.minDays) &&
      (filter.kind === "any" || (filter.kind === "unlimited" ? plan.dataMb === null : plan.dayPass)) &&
      (!filter.renewable || plan.renewable) &&
      (!filter.refundable || plan.cancellable),
  );
}

/** Best first for the chosen key; equal plans cheapest first, then in a stable order. */
export function sortPlans(plans: readonly PlanOffer[], sort: PlanSort): PlanOffer[] {
  const key = (plan: PlanOffer): number => {
    switch (sort) {
      case "price":
        return plan.priceMinor;
      case "data":
        return -totalDataMb(plan);
      case "days":
        return -plan.days;
      case "pricePerGb":
        // Unlimited plans have no per-GB price; they go after every priced one.
        return pricePerGbMinor(plan) ?? Number.POSITIVE_INFINITY;
    }
  };
  return [...plans].sort((a, b) => key(a) - key(b) || a.priceMinor - b.priceMinor || a.id.localeCompare(b.id));
}

/** Adds a plan to the comparison, or takes it out; a full comparison takes no more. */
export function toggleCompared(compared: readonly string[], planId: string): string[] {
  if (compared.includes(planId)) return compared.filter((id) => id !== planId);
  return compared.length >= MAX_COMPARED ? [...compared] : [...compared, planId];
}

function lookalikeKey(plan: PlanOffer): string {
  return [plan.destinationSlug, plan.dataMb ?? "unlimited", plan.days, plan.dayPass].join("|");
}

/**
 * For plans that share a destination, data, days and kind, what actually
 * tells each apart from the others (the price is always on show): the
 * network partner, top-up, refund policy; a plan's own name when nothing
 * else differs. Plans without a look-alike get nothing.
 */
export function distinguishLookalikes(plans: readonly PlanOffer[]): Map<string, string[]> {
  const groups = new Map<string, PlanOffer[]>();
  for (const plan of plans) groups.set(lookalikeKey(plan), [...(groups.get(lookalikeKey(plan)) ?? []), plan]);
  const notes = new Map<string, string[]>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const differs = (read: (plan: PlanOffer) => unknown) => new Set(group.map(read)).size > 1;
    for (const plan of group) {
      const labels = [
        ...(differs((p) => p.provider) ? [`Network partner: ${plan.providerName}`] : []),
        ...(differs((p) => p.renewable) ? [plan.renewable ? "Top-up available" : "No top-up"] : []),
        ...(differs((p) => p.cancellable) ? [plan.cancellable ? "Refundable until installed" : "Non-refundable"] : []),
      ];
      notes.set(plan.id, labels.length > 0 ? labels : [`Sold as “${plan.name}”`]);
    }
  }
  return notes;
}

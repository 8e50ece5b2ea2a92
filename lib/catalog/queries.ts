import "server-only";
import { db } from "../db/client";
import type { DestinationKind } from "../generated/prisma/client";

export interface DestinationSummary {
  slug: string;
  name: string;
  kind: DestinationKind;
  planCount: number;
  fromPriceMinor: number | null;
  currency: string | null;
}

/** Destinations with at least one active plan, cheapest price first shown; optional name/ISO filter. */
export async function listDestinations(query?: string): Promise<DestinationSummary[]> {
  const q = query?.trim();
  const destinations = await db().destination.findMany({
    where: {
      plans: { some: { active: true } },
      ...(q ? { OR: [{ name: { contains: q, mode: "insensitive" as const } }, { countryCodes: { has: q.toUpperCase() } }] } : {}),
    },
    include: { plans: { where: { active: true }, select: { priceMinor: true, currency: true }, orderBy: { priceMinor: "asc" } } },
    orderBy: [{ kind: "asc" }, { name: "asc" }],
  });
  return destinations.map((d) => ({
    slug: d.slug,
    name: d.name,
    kind: d.kind,
    planCount: d.plans.length,
    fromPriceMinor: d.plans[0]?.priceMinor ?? null,
    currency: d.plans[0]?.currency ?? null,
  }));
}

export async function getDestinationWithPlans(slug: string) {
  return db().destination.findUnique({
    where: { slug },
    include: { plans: { where: { active: true }, orderBy: [{ priceMinor: "asc" }, { days: "asc" }] } },
  });
}

/**
 * What the storefront's catalog pages read. Each page-facing read is cached
 * ("use cache", kept until a catalog change expires its tags, see cache.ts)
 * and returns plain, serialisable objects with only what customers may see
 * (never the wholesale price). The `read…` functions beneath are the same
 * reads uncached, for tests and for other cached reads.
 */
import "server-only";
import { cacheLife, cacheTag } from "next/cache";
import { db } from "../db/client";
import type { DestinationKind, Plan } from "../generated/prisma/client";
import { countryAliases, countryName } from "../geo/countries";
import type { SearchEntry } from "../geo/search";
import { providerById } from "../providers/registry";
import { isBuildPrerender } from "./cache";
import { CATALOG_TAG, DESTINATIONS_TAG, destinationTag, planTag } from "./cache-tags";

export interface DestinationSummary {
  slug: string;
  name: string;
  kind: DestinationKind;
  /** ISO alpha-2 codes covered (one for a country). */
  countryCodes: string[];
  planCount: number;
  fromPriceMinor: number | null;
  currency: string | null;
}

/** A plan as a customer sees it. */
export interface PlanOffer {
  id: string;
  provider: string;
  /** The wholesaler behind the plan, the one thing that tells otherwise identical plans apart. */
  providerName: string;
  name: string;
  dataMb: number | null;
  days: number;
  priceMinor: number;
  currency: string;
  renewable: boolean;
  dayPass: boolean;
  cancellable: boolean;
  cancellationPolicy: string | null;
  /** Most eSIMs one order of this plan may ask for (the provider's limit). */
  maxQuantity: number;
  destinationSlug: string;
  destinationName: string;
  destinationKind: DestinationKind;
}

/** A country a destination covers, linked to its own page when the store sells it on its own. */
export interface CoveredCountry {
  code: string;
  name: string;
  slug: string | null;
}

export interface DestinationPage {
  slug: string;
  name: string;
  kind: DestinationKind;
  countryCodes: string[];
  plans: PlanOffer[];
  /** For a country: the regional and global plans that also work there. */
  coveringPlans: PlanOffer[];
  /** For a region: the countries it covers, A–Z. */
  countries: CoveredCountry[];
}

export interface PlanPage {
  plan: PlanOffer;
  countries: CoveredCountry[];
  /** Other plans of the same destination with the same data, days and kind: what tells them apart is shown. */
  lookalikes: PlanOffer[];
}

/** Curated for the home page (travel volume, not our sales, which would make the page per-request). */
export const POPULAR_DESTINATIONS = ["japan", "united-states", "united-kingdom", "thailand", "france", "italy", "spain", "turkey"] as const;
const POPULAR_COUNT = 8;

const planOrder = [{ priceMinor: "asc" as const }, { days: "asc" as const }, { id: "asc" as const }];

function toOffer(
  plan: Plan & { destination: { name: string; kind: DestinationKind }; dealerProduct: { usPrepaid: boolean } | null },
): PlanOffer {
  const provider = providerById(plan.provider);
  return {
    id: plan.id,
    provider: plan.provider,
    providerName: provider.displayName,
    name: plan.name,
    dataMb: plan.dataMb,
    days: plan.days,
    priceMinor: plan.priceMinor,
    currency: plan.currency,
    renewable: plan.renewable,
    dayPass: plan.dayPass,
    cancellable: plan.cancellable,
    cancellationPolicy: plan.cancellationPolicy,
    // A US prepaid dealer product's order carries one device's IMEI and EID.
    maxQuantity: plan.dealerProduct?.usPrepaid ? 1 : provider.maxQuantity,
    destinationSlug: plan.destinationSlug,
    destinationName: plan.destination.name,
    destinationKind: plan.destination.kind,
  };
}

const withDestination = {
  destination: { select: { name: true, kind: true } },
  dealerProduct: { select: { usPrepaid: true } },
} as const;

// ---------------------------------------------------------------- uncached reads

/** Destinations with at least one active plan, countries first, then A–Z, each with its cheapest price. */
export async function readDestinations(): Promise<DestinationSummary[]> {
  const destinations = await db().destination.findMany({
    where: { plans: { some: { active: true } } },
    include: { plans: { where: { active: true }, select: { priceMinor: true, currency: true }, orderBy: { priceMinor: "asc" } } },
    orderBy: [{ kind: "asc" }, { name: "asc" }],
  });
  return destinations.map((d) => ({
    slug: d.slug,
    name: d.name,
    kind: d.kind,
    countryCodes: d.countryCodes,
    planCount: d.plans.length,
    fromPriceMinor: d.plans[0]?.priceMinor ?? null,
    currency: d.plans[0]?.currency ?? null,
  }));
}

/** Countries by code, with the slug of the country's own page when the store has one. */
function coveredCountries(codes: readonly string[], destinations: readonly DestinationSummary[]): CoveredCountry[] {
  const pageOf = new Map(
    destinations.filter((d) => d.kind === "COUNTRY" && d.countryCodes.length === 1).map((d) => [d.countryCodes[0]!, d.slug]),
  );
  return codes
    .map((code) => ({ code, name: countryName(code) ?? code, slug: pageOf.get(code) ?? null }))
    .sort((a, b) => a.name.localeCompare(b.name, "en"));
}

export async function readDestinationPage(slug: string): Promise<DestinationPage | null> {
  const destination = await db().destination.findUnique({
    where: { slug },
    include: { plans: { where: { active: true }, include: withDestination, orderBy: planOrder } },
  });
  if (!destination) return null;
  const isCountry = destination.kind === "COUNTRY";
  const coveringPlans =
    isCountry && destination.countryCodes.length > 0
      ? await db().plan.findMany({
          where: {
            active: true,
            destination: { kind: "REGION", countryCodes: { hasSome: destination.countryCodes } },
          },
          include: withDestination,
          orderBy: planOrder,
        })
      : [];
  return {
    slug: destination.slug,
    name: destination.name,
    kind: destination.kind,
    countryCodes: destination.countryCodes,
    plans: destination.plans.map(toOffer),
    coveringPlans: coveringPlans.map(toOffer),
    countries: isCountry ? [] : coveredCountries(destination.countryCodes, await readDestinations()),
  };
}

export async function readPlanPage(id: string): Promise<PlanPage | null> {
  const plan = await db().plan.findUnique({
    where: { id },
    include: { destination: true, dealerProduct: { select: { usPrepaid: true } } },
  });
  if (!plan || !plan.active) return null;
  const lookalikes = await db().plan.findMany({
    where: {
      active: true,
      destinationSlug: plan.destinationSlug,
      dataMb: plan.dataMb,
      days: plan.days,
      dayPass: plan.dayPass,
      id: { not: plan.id },
    },
    include: withDestination,
    orderBy: planOrder,
  });
  return {
    plan: toOffer(plan),
    countries: coveredCountries(plan.destination.countryCodes, await readDestinations()),
    lookalikes: lookalikes.map(toOffer),
  };
}

/** The search box's index: every destination with its codes, other names and covering regions. */
export function buildSearchIndex(destinations: readonly DestinationSummary[]): SearchEntry[] {
  const regions = destinations.filter((d) => d.kind === "REGION");
  return destinations.map((d) => {
    const code = d.kind === "COUNTRY" && d.countryCodes.length === 1 ? d.countryCodes[0]! : null;
    return {
      slug: d.slug,
      name: d.name,
      kind: d.kind,
      flag: code?.toLowerCase() ?? null,
      codes: code ? [code, ...countryAliases(code).filter((alias) => /^[A-Z]{3}$/.test(alias))] : [],
      aliases: code ? countryAliases(code).filter((alias) => !/^[A-Z]{3}$/.test(alias)) : [],
      regions: code ? regions.filter((r) => r.countryCodes.includes(code)).map((r) => r.name) : [],
      fromPriceMinor: d.fromPriceMinor,
      currency: d.currency,
    };
  });
}

/** The home page's order: popular destinations, then regions, then countries A–Z. */
export function homeSections(destinations: readonly DestinationSummary[]) {
  const countries = destinations.filter((d) => d.kind === "COUNTRY");
  const curated = POPULAR_DESTINATIONS.flatMap((slug) => countries.filter((d) => d.slug === slug));
  // When the catalog lacks some curated ones, the countries with the widest choice of plans fill in.
  const fill = [...countries].filter((d) => !curated.includes(d)).sort((a, b) => b.planCount - a.planCount);
  return {
    popular: [...curated, ...fill].slice(0, POPULAR_COUNT),
    regions: destinations.filter((d) => d.kind === "REGION").sort((a, b) => a.name.localeCompare(b.name, "en")),
    countries: [...countries].sort((a, b) => a.name.localeCompare(b.name, "en")),
  };
}

// ---------------------------------------------------------------- cached reads for the pages

export async function listDestinations(): Promise<DestinationSummary[]> {
  "use cache";
  cacheLife("max");
  cacheTag(CATALOG_TAG, DESTINATIONS_TAG);
  if (isBuildPrerender()) return [];
  return readDestinations();
}

export async function destinationSearchIndex(): Promise<SearchEntry[]> {
  "use cache";
  cacheLife("max");
  cacheTag(CATALOG_TAG, DESTINATIONS_TAG);
  if (isBuildPrerender()) return [];
  return buildSearchIndex(await readDestinations());
}

export async function getDestinationPage(slug: string): Promise<DestinationPage | null> {
  "use cache";
  cacheLife("max");
  cacheTag(CATALOG_TAG, destinationTag(slug));
  if (isBuildPrerender()) return null;
  const page = await readDestinationPage(slug);
  // A country's page also shows the regions' plans: a change to one of them must refresh it too.
  const regions = new Set(page?.coveringPlans.map((p) => p.destinationSlug));
  if (regions.size > 0) cacheTag(...[...regions].map(destinationTag));
  // A region's country list links to the countries' own pages, which come and go with the destination list.
  if (page && page.countries.length > 0) cacheTag(DESTINATIONS_TAG);
  return page;
}

export async function getPlanPage(id: string): Promise<PlanPage | null> {
  "use cache";
  cacheLife("max");
  cacheTag(CATALOG_TAG, planTag(id));
  if (isBuildPrerender()) return null;
  const page = await readPlanPage(id);
  // Its look-alikes are the destination's other plans; its coverage links to the destination list.
  if (page) cacheTag(destinationTag(page.plan.destinationSlug), DESTINATIONS_TAG);
  return page;
}

/**
 * MeiSIM's bundles as storefront plans, with the countries each one covers.
 *
 * The document promises each bundle's "name, data allowance, validity, and
 * price", not its coverage; it lets the list be filtered by country or
 * region. The cheapest strategy that holds either way:
 *
 * 1. Walk the unfiltered list (every filter is optional): ⌈bundles/100⌉
 *    requests. Bundles that state their countries (codes, names or objects)
 *    are done.
 * 2. Only when some bundle states none (or the unfiltered list is empty):
 *    read /esim/countries once, then walk the list filtered by each
 *    country's `countryISO`. A bundle's coverage is the set of countries
 *    whose list holds it. These reads go through the client's read limiter
 *    (60/min documented), so ~200 countries take ~3½ minutes; progress is
 *    reported per country. Bundles only a country query lists are added.
 * 3. Names: a country's is the bundle's own, else the country catalog's,
 *    else ISO's English name. A multi-country bundle is named by its stated
 *    region; else by the catalog's region when every covered country is in
 *    it ("Europe", or "Europe (3 countries)" when it covers only some);
 *    "Global" when it spans every listed country; else "Multi-country (N
 *    countries)".
 * 4. A bundle with no countries and no region even then is skipped with a
 *    warning (we do not sell an eSIM without knowing where it works); an
 *    unreadable bundle is skipped with a warning; but a list where no bundle
 *    reads, or no bundle at all, fails: an empty catalog would withdraw
 *    every plan.
 */
import { countryName } from "../../geo/countries";
import type { Logger } from "../../log";
import { ProviderResponseError } from "../errors";
import type { ProgressFn, ProviderDestination, ProviderPlan } from "../types";
import type { MeisimCountry, MeisimEsimApi } from "./esim-api";
import type { MeisimBundle } from "./normalise";

export interface MeisimCatalog {
  plans: ProviderPlan[];
  /** Every readable bundle by name (planRef), sold or not. */
  bundles: Map<string, MeisimBundle>;
  /** How coverage was learnt: from the bundles themselves, or by listing per country. */
  coverage: "stated" | "per-country";
}

function derivedRegionName(codes: readonly string[], catalog: readonly MeisimCountry[] | null): string {
  if (catalog && catalog.length > 0) {
    const regions = new Set(codes.map((iso) => catalog.find((c) => c.iso === iso)?.region ?? null));
    const [only] = [...regions];
    if (regions.size === 1 && only) {
      const inRegion = catalog.filter((c) => c.region === only).length;
      return inRegion === codes.length ? only : `${only} (${codes.length} countries)`;
    }
    if (catalog.every((c) => codes.includes(c.iso))) return "Global";
  }
  return `Multi-country (${codes.length} countries)`;
}

/** Where a bundle works, from what it states or what the per-country walk found; null when nothing says. */
export function destinationOf(
  bundle: MeisimBundle,
  derived: ReadonlySet<string> | undefined,
  catalog: readonly MeisimCountry[] | null,
): ProviderDestination | null {
  const stated = bundle.countries;
  const codes = (stated.length > 0 ? stated.map((c) => c.iso) : [...(derived ?? [])]).sort();
  const nameOf = (iso: string) =>
    stated.find((c) => c.iso === iso)?.name ?? catalog?.find((c) => c.iso === iso)?.name ?? countryName(iso) ?? iso;
  const [only] = codes;
  if (only && codes.length === 1) return { providerRef: only, name: nameOf(only), kind: "country", countryCodes: codes };
  if (codes.length === 0)
    return bundle.region ? { providerRef: bundle.region, name: bundle.region, kind: "region", countryCodes: [] } : null;
  const region = bundle.region ?? derivedRegionName(codes, catalog);
  return { providerRef: region, name: region, kind: "region", countryCodes: codes };
}

/**
 * The documented bundle answer has a name (an order handle such as
 * "esim_5gb_30days_jp"), not a title; customers read the destination, the
 * allowance and the validity instead: "Japan 5 GB, 30 days".
 */
function describedName(destination: ProviderDestination, bundle: MeisimBundle): string {
  const mb = bundle.dataMb;
  const data = mb === null ? "Unlimited" : mb >= 1024 && mb % 1024 === 0 ? `${mb / 1024} GB` : `${mb} MB`;
  const days = `${bundle.validityDays} ${bundle.validityDays === 1 ? "day" : "days"}`;
  return `${destination.name} ${data}${bundle.dayPass ? " per day" : ""}, ${days}`;
}

export function bundleToPlan(bundle: MeisimBundle, destination: ProviderDestination): ProviderPlan {
  return {
    provider: "meisim",
    planRef: bundle.name,
    name: bundle.description ?? describedName(destination, bundle),
    destination,
    dataMb: bundle.dataMb,
    days: bundle.validityDays,
    wholesale: bundle.price,
    // MeiSIM has no way to add a bundle to an existing eSIM (top-ups are for physical SIM networks).
    renewable: false,
    dayPass: bundle.dayPass,
    // Revoke exists, but MeiSIM documents no refund for it, so nothing is sold as cancellable.
    cancellable: false,
    cancellationPolicy: null,
  };
}

export async function fetchCatalog(esim: MeisimEsimApi, log: Logger, onProgress?: ProgressFn): Promise<MeisimCatalog> {
  const walk = await esim.allBundles({}, { onProgress });
  if (walk.received > 0 && walk.bundles.length === 0) {
    throw new ProviderResponseError(
      "meisim",
      `POST /api/v1/esim/bundles: none of the ${walk.received} bundles could be read; first problem: ${walk.skipped[0]}`,
    );
  }
  const byName = new Map(walk.bundles.map((b) => [b.name, b]));
  const uncovered = walk.bundles.filter((b) => b.countries.length === 0);
  const coverage = new Map<string, Set<string>>();
  let catalog: MeisimCountry[] | null = null;
  let mode: MeisimCatalog["coverage"] = "stated";

  if (uncovered.length > 0 || walk.bundles.length === 0) {
    mode = "per-country";
    catalog = await esim.countries();
    log.info("meisim: bundles state no coverage; listing bundles per country", { uncovered: uncovered.length, countries: catalog.length });
    for (const [i, country] of catalog.entries()) {
      const found = await esim.allBundles({ countryISO: country.iso });
      for (const bundle of found.bundles) {
        if (!byName.has(bundle.name)) byName.set(bundle.name, bundle);
        const set = coverage.get(bundle.name) ?? new Set<string>();
        set.add(country.iso);
        coverage.set(bundle.name, set);
      }
      onProgress?.({ done: walk.pages + i + 1, total: walk.pages + catalog.length, note: `coverage: ${country.iso}` });
    }
  } else if (walk.bundles.some((b) => b.countries.length === 1 && !b.countries[0]!.name)) {
    // Only names are missing: one request for MeiSIM's own names, ISO's if that fails.
    catalog = await esim.countries().catch((err: unknown) => {
      log.warn("meisim: country catalog unavailable; using ISO country names", { err });
      return null;
    });
  }

  if (byName.size === 0) {
    throw new ProviderResponseError(
      "meisim",
      "MeiSIM lists no bundles at all, unfiltered or per country; refusing to report an empty catalog, which would withdraw every plan",
    );
  }
  const plans: ProviderPlan[] = [];
  for (const bundle of byName.values()) {
    const destination = destinationOf(bundle, coverage.get(bundle.name), catalog);
    if (!destination) {
      log.warn("meisim: bundle skipped: neither it nor any country listing says where it works", { bundle: bundle.name });
      continue;
    }
    plans.push(bundleToPlan(bundle, destination));
  }
  log.info("meisim: catalog fetched", { plans: plans.length, bundles: byName.size, skipped: walk.skipped.length, coverage: mode });
  return { plans, bundles: byName, coverage: mode };
}

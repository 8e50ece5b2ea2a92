import { db } from "../db/client";
import { DestinationKind, type Plan } from "../generated/prisma/client";
import { log } from "../log";
import type { EsimProvider, ProgressFn, ProviderDestination, ProviderPlan } from "../providers/types";
import { retailPriceMinor } from "./pricing";

export function destinationSlug(destination: ProviderDestination): string {
  return destination.name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

export interface SyncReport {
  provider: string;
  plans: number;
  created: number;
  updated: number;
  deactivated: number;
}

/** The catalog columns a provider's plan determines (price aside, which an admin may own). */
function planFields(plan: ProviderPlan, slug: string) {
  return {
    destinationSlug: slug,
    name: plan.name,
    dataMb: plan.dataMb,
    days: plan.days,
    wholesaleMinor: plan.wholesale.amountMinor,
    currency: plan.wholesale.currency,
    renewable: plan.renewable,
    dayPass: plan.dayPass,
    cancellable: plan.cancellable,
    cancellationPolicy: plan.cancellationPolicy,
    active: true,
  };
}

/** What the catalog should hold for a plan the provider still lists, given what an admin decided. */
function fieldsFor(current: Plan | undefined, fields: ReturnType<typeof planFields>) {
  return current?.withdrawnByAdmin ? { ...fields, active: false } : fields;
}

function unchanged(existing: Plan, fields: ReturnType<typeof planFields>, priceMinor: number): boolean {
  const same = (Object.keys(fields) as (keyof typeof fields)[]).every((key) => existing[key] === fields[key]);
  return same && (existing.priceOverridden || existing.priceMinor === priceMinor);
}

/**
 * A destination both providers sell (a region, say) covers every country
 * either of them lists, not just those of the provider that synced first.
 */
async function mergeCountryCodes(destinations: Map<string, ProviderDestination>): Promise<void> {
  const stored = await db().destination.findMany({ where: { slug: { in: [...destinations.keys()] } } });
  for (const destination of stored) {
    const merged = [...new Set([...destination.countryCodes, ...(destinations.get(destination.slug)?.countryCodes ?? [])])].sort();
    if (merged.length !== destination.countryCodes.length) {
      await db().destination.update({ where: { slug: destination.slug }, data: { countryCodes: merged } });
    }
  }
}

/**
 * Pulls one provider's whole catalog into ours. Destinations from different
 * providers with the same name merge into one page; prices an admin set by
 * hand are kept, and so are plans an admin withdrew; plans the provider no longer lists are deactivated, not
 * deleted, because orders refer to them. Unchanged plans are not rewritten,
 * so a routine re-sync costs one read.
 */
export async function syncCatalog(provider: EsimProvider, options: { markupPercent: number; onProgress?: ProgressFn }): Promise<SyncReport> {
  const logger = log.child({ job: "catalog.sync", provider: provider.id });
  logger.info("started");
  const plans = await provider.listPlans({
    onProgress: (p) => {
      logger.info("progress", { phase: "fetch", done: p.done, total: p.total });
      options.onProgress?.(p);
    },
  });
  const syncedAt = new Date();
  const listed = plans.flatMap((plan) => {
    const slug = destinationSlug(plan.destination);
    return slug ? [{ plan, slug }] : [];
  });

  const destinations = new Map(listed.map(({ plan, slug }) => [slug, plan.destination]));
  await db().destination.createMany({
    data: [...destinations].map(([slug, d]) => ({
      slug,
      name: d.name,
      kind: d.kind === "country" ? DestinationKind.COUNTRY : DestinationKind.REGION,
      countryCodes: d.countryCodes,
    })),
    skipDuplicates: true,
  });
  await mergeCountryCodes(destinations);

  const existing = new Map((await db().plan.findMany({ where: { provider: provider.id } })).map((p) => [p.planRef, p]));
  const toCreate = [];
  let updated = 0;
  for (const [index, { plan, slug }] of listed.entries()) {
    const current = existing.get(plan.planRef);
    const fields = fieldsFor(current, planFields(plan, slug));
    const priceMinor = retailPriceMinor(plan.wholesale.amountMinor, options.markupPercent);
    if (!current) {
      toCreate.push({ ...fields, provider: plan.provider, planRef: plan.planRef, priceMinor, syncedAt });
    } else if (!unchanged(current, fields, priceMinor)) {
      await db().plan.update({ where: { id: current.id }, data: { ...fields, ...(current.priceOverridden ? {} : { priceMinor }) } });
      updated++;
    }
    if ((index + 1) % 200 === 0) logger.info("progress", { phase: "store", done: index + 1, total: listed.length });
  }
  await db().plan.createMany({ data: toCreate, skipDuplicates: true });
  // One statement marks every listed plan as seen; whatever was not seen is withdrawn.
  await db().plan.updateMany({ where: { provider: provider.id, planRef: { in: listed.map((l) => l.plan.planRef) } }, data: { syncedAt } });
  const { count: deactivated } = await db().plan.updateMany({
    where: { provider: provider.id, active: true, syncedAt: { lt: syncedAt } },
    data: { active: false },
  });
  const report = { provider: provider.id, plans: listed.length, created: toCreate.length, updated, deactivated };
  logger.info("finished", { ...report });
  return report;
}

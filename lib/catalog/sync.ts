import { db } from "../db/client";
import { DestinationKind } from "../generated/prisma/client";
import { log } from "../log";
import type { EsimProvider, ProgressFn, ProviderDestination } from "../providers/types";
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
  deactivated: number;
}

/**
 * Pulls one provider's whole catalog into ours. Destinations from different
 * providers with the same name merge into one page; prices an admin set by
 * hand are kept; plans the provider no longer lists are deactivated, not
 * deleted, because orders refer to them.
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
  let written = 0;
  for (const plan of plans) {
    const slug = destinationSlug(plan.destination);
    if (!slug) continue;
    const kind = plan.destination.kind === "country" ? DestinationKind.COUNTRY : DestinationKind.REGION;
    await db().destination.upsert({
      where: { slug },
      create: { slug, name: plan.destination.name, kind, countryCodes: plan.destination.countryCodes },
      update: {},
    });
    const priceMinor = retailPriceMinor(plan.wholesale.amountMinor, options.markupPercent);
    const common = {
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
      syncedAt,
    };
    const existing = await db().plan.findUnique({ where: { provider_planRef: { provider: plan.provider, planRef: plan.planRef } } });
    if (existing) {
      await db().plan.update({ where: { id: existing.id }, data: { ...common, ...(existing.priceOverridden ? {} : { priceMinor }) } });
    } else {
      await db().plan.create({ data: { ...common, provider: plan.provider, planRef: plan.planRef, priceMinor } });
    }
    written++;
    if (written % 100 === 0 || written === plans.length) logger.info("progress", { phase: "store", done: written, total: plans.length });
  }
  const { count: deactivated } = await db().plan.updateMany({
    where: { provider: provider.id, active: true, syncedAt: { lt: syncedAt } },
    data: { active: false },
  });
  logger.info("finished", { plans: written, deactivated });
  return { provider: provider.id, plans: written, deactivated };
}

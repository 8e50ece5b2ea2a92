import "server-only";
import { env } from "../config/env";
import { db } from "../db/client";
import { CatalogSyncStatus, DestinationKind, type CatalogSyncRun, type Plan } from "../generated/prisma/client";
import { enqueue, schedule } from "../jobs";
import { log } from "../log";
import { allProviders, providerById } from "../providers/registry";
import type { EsimProvider, ProviderDestination, ProviderPlan } from "../providers/types";
import { invalidateCatalog } from "./cache";
import { DESTINATIONS_TAG, destinationTag, planTag } from "./cache-tags";
import { applyShapeChoices, loadPricing, priceOf, type PricingContext } from "./settings";

export function destinationSlug(destination: ProviderDestination): string {
  return destination.name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** Where a sync is: reading the provider's catalog (one step per page or SKU), or writing plans into ours. */
export interface SyncProgress {
  phase: "fetch" | "store";
  done: number;
  total: number;
}

export interface SyncReport {
  provider: string;
  plans: number;
  created: number;
  updated: number;
  deactivated: number;
  /** The plans added, changed and withdrawn, as "destination: plan name", each list capped at CHANGES_LISTED. */
  changes: SyncChanges;
}

export interface SyncChanges {
  added: string[];
  changed: string[];
  withdrawn: string[];
}

/** How many plans of each kind of change a run's history names (the counts are exact). */
const CHANGES_LISTED = 200;

/** The catalog columns a provider's plan determines (price aside, which an admin may own). */
export function planFields(plan: ProviderPlan, slug: string) {
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

/**
 * What the catalog should hold for a plan the provider still lists, given
 * what an admin decided. A plan the provider prices in another currency than
 * the store sells in is held off sale (and out of the shape choices): its
 * cost cannot be compared with the price, so it could be sold at a loss. It
 * goes back on sale by itself once a sync reads it in the store's currency.
 */
function fieldsFor(current: Plan | undefined, fields: ReturnType<typeof planFields>, storeCurrency: string) {
  if (fields.currency !== storeCurrency) return { ...fields, active: false, notChosen: false };
  // Off sale for another provider's plan of the same shape: applyShapeChoices decides that, at the end of the run.
  return current?.withdrawnByAdmin || current?.notChosen ? { ...fields, active: false } : fields;
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
export async function syncCatalog(
  provider: EsimProvider,
  options: { pricing?: PricingContext; onProgress?: (progress: SyncProgress) => void } = {},
): Promise<SyncReport> {
  const logger = log.child({ job: "catalog.sync", provider: provider.id });
  const progress = (p: SyncProgress) => {
    logger.info("progress", { ...p });
    options.onProgress?.(p);
  };
  logger.info("started");
  const plans = await provider.listPlans({ onProgress: (p) => progress({ phase: "fetch", done: p.done, total: p.total }) });
  // The admin's pricing rules, read once for the whole run.
  const pricing = options.pricing ?? (await loadPricing());
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
  /** The cache tags of what this run changed, expired at the end (lib/catalog/cache.ts). */
  const changedTags = new Set<string>();
  const changes: SyncChanges = { added: [], changed: [], withdrawn: [] };
  const note = (list: string[], slug: string, name: string) => {
    if (list.length < CHANGES_LISTED) list.push(`${slug}: ${name}`);
  };
  const storeCurrency = env().CURRENCY;
  const otherCurrency: string[] = [];
  for (const [index, { plan, slug }] of listed.entries()) {
    const current = existing.get(plan.planRef);
    const fields = fieldsFor(current, planFields(plan, slug), storeCurrency);
    if (fields.currency !== storeCurrency) {
      otherCurrency.push(plan.planRef);
      // Named among the withdrawn when this run takes it off sale (or first sees it).
      if (!current || current.active) note(changes.withdrawn, slug, `${plan.name} (priced in ${fields.currency}, not ${storeCurrency})`);
    }
    const { priceMinor } = priceOf({ id: current?.id, destinationSlug: slug, wholesaleMinor: plan.wholesale.amountMinor }, pricing);
    if (!current) {
      toCreate.push({ ...fields, provider: plan.provider, planRef: plan.planRef, priceMinor, syncedAt });
      note(changes.added, slug, plan.name);
    } else if (!unchanged(current, fields, priceMinor)) {
      await db().plan.update({ where: { id: current.id }, data: { ...fields, ...(current.priceOverridden ? {} : { priceMinor }) } });
      updated++;
      note(changes.changed, slug, plan.name);
      changedTags.add(planTag(current.id)).add(destinationTag(current.destinationSlug)).add(destinationTag(slug));
    }
    if ((index + 1) % 200 === 0) progress({ phase: "store", done: index + 1, total: listed.length });
  }
  await db().plan.createMany({ data: toCreate, skipDuplicates: true });
  for (const created of toCreate) changedTags.add(destinationTag(created.destinationSlug));
  // One statement marks every listed plan as seen; whatever was not seen is withdrawn.
  await db().plan.updateMany({ where: { provider: provider.id, planRef: { in: listed.map((l) => l.plan.planRef) } }, data: { syncedAt } });
  const unlisted = await db().plan.findMany({
    // Dealer products are added by an admin, not listed by the provider: a sync never withdraws them.
    where: { provider: provider.id, dealerProduct: null, OR: [{ active: true }, { notChosen: true }], syncedAt: { lt: syncedAt } },
    select: { id: true, destinationSlug: true, name: true },
  });
  // A withdrawn plan is no longer anyone's choice either, so another provider's plan of its shape can take its place.
  const { count: deactivated } = await db().plan.updateMany({
    where: { id: { in: unlisted.map((p) => p.id) }, OR: [{ active: true }, { notChosen: true }] },
    data: { active: false, notChosen: false },
  });
  for (const plan of unlisted) {
    changedTags.add(planTag(plan.id)).add(destinationTag(plan.destinationSlug));
    note(changes.withdrawn, plan.destinationSlug, plan.name);
  }
  if (otherCurrency.length > 0) {
    logger.warn("plans priced in another currency than the store's are held off sale", {
      storeCurrency,
      plans: otherCurrency.length,
      planRefs: otherCurrency.slice(0, 20),
    });
  }
  for (const tag of (await applyShapeChoices(pricing.store.autoCheapest)).tags) changedTags.add(tag);
  // Any change may move a destination's "from" price or add or empty a destination.
  if (changedTags.size > 0) await invalidateCatalog([DESTINATIONS_TAG, ...changedTags]);
  const report = { provider: provider.id, plans: listed.length, created: toCreate.length, updated, deactivated, changes };
  progress({ phase: "store", done: listed.length, total: listed.length });
  logger.info("finished", { plans: report.plans, created: report.created, updated: report.updated, deactivated: report.deactivated });
  return report;
}

// ---------------------------------------------------------------- the catalog.sync job

/** Who started a run: an admin's button, the daily schedule, or the launcher's first start. */
export type SyncTrigger = "admin" | "schedule" | "startup";

/** How often a run's progress is written while it works. */
const PROGRESS_WRITE_MS = 250;

/**
 * Syncs one provider's catalog, recording the run on a CatalogSyncRun row
 * (`runId`, made when an admin asked, or a new row) with its phase and
 * counts as it goes. A failure is recorded and thrown; unless it is the
 * job's last attempt the run shows queued again, for the retry.
 */
export async function runCatalogSync(
  providerId: string,
  run: { runId?: string; trigger: SyncTrigger },
  lastAttempt = true,
): Promise<SyncReport> {
  const started = { status: CatalogSyncStatus.RUNNING, startedAt: new Date(), phase: "fetch", done: 0, total: null, error: null };
  const { id } = run.runId
    ? await db().catalogSyncRun.update({ where: { id: run.runId }, data: started })
    : await db().catalogSyncRun.create({ data: { provider: providerId, trigger: run.trigger, ...started } });
  // Writes queue behind each other, so the last progress lands before the result.
  let writes = Promise.resolve();
  let lastWrite = 0;
  const onProgress = (p: SyncProgress) => {
    if (Date.now() - lastWrite < PROGRESS_WRITE_MS && p.done < p.total) return;
    lastWrite = Date.now();
    writes = writes
      .then(() => db().catalogSyncRun.update({ where: { id }, data: { phase: p.phase, done: p.done, total: p.total } }))
      .then(
        () => {},
        (error: unknown) => log.warn("could not record catalog sync progress", { runId: id, error }),
      );
  };
  try {
    const report = await syncCatalog(providerById(providerId), { onProgress });
    await writes;
    const { plans, created, updated, deactivated, changes } = report;
    await db().catalogSyncRun.update({
      where: { id },
      data: { status: CatalogSyncStatus.SUCCEEDED, finishedAt: new Date(), plans, created, updated, deactivated, changes: { ...changes } },
    });
    return report;
  } catch (err) {
    await writes;
    const error = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
    await db().catalogSyncRun.update({
      where: { id },
      data: lastAttempt
        ? { status: CatalogSyncStatus.FAILED, finishedAt: new Date(), error }
        : { status: CatalogSyncStatus.QUEUED, error: `${error} (trying again)` },
    });
    throw err;
  }
}

/**
 * The admin's "Sync catalog": one catalog.sync job per provider, each with
 * a queued run to show. A provider whose sync is already queued or running
 * gets no second one.
 */
export async function requestCatalogSync(requestedById: string): Promise<{ provider: string; displayName: string; queued: boolean }[]> {
  const results = [];
  for (const provider of allProviders()) {
    const run = await db().catalogSyncRun.create({ data: { provider: provider.id, trigger: "admin", requestedById } });
    const queued = (await enqueue("catalog.sync", { provider: provider.id, runId: run.id })) !== null;
    if (!queued) await db().catalogSyncRun.delete({ where: { id: run.id } });
    results.push({ provider: provider.id, displayName: provider.displayName, queued });
  }
  return results;
}

/** Sets (or, with CATALOG_SYNC_SCHEDULE=off, removes) each provider's scheduled sync. Every worker calls it on start; the schedule is kept once, in the database. */
export async function scheduleCatalogSync(): Promise<void> {
  const cron = env().CATALOG_SYNC_SCHEDULE;
  for (const provider of allProviders())
    await schedule("catalog.sync", cron === "off" ? null : cron, { provider: provider.id }, provider.id);
}

/** A run counts as stalled when it has not moved for this long (its job expires after 30 minutes). */
const STALLED_AFTER_MS = 30 * 60_000;

export interface SyncRunView extends CatalogSyncRun {
  displayName: string;
  /** Queued or running, and moved recently: the page keeps refreshing while any run is. */
  active: boolean;
}

/** Each provider's latest run, for the admin catalog page. */
export async function latestCatalogSyncRuns(now = Date.now()): Promise<SyncRunView[]> {
  const views: SyncRunView[] = [];
  for (const provider of allProviders()) {
    const run = await db().catalogSyncRun.findFirst({ where: { provider: provider.id }, orderBy: { createdAt: "desc" } });
    if (!run) continue;
    const inProgress = run.status === CatalogSyncStatus.QUEUED || run.status === CatalogSyncStatus.RUNNING;
    views.push({ ...run, displayName: provider.displayName, active: inProgress && now - run.updatedAt.getTime() < STALLED_AFTER_MS });
  }
  return views;
}

export interface SyncHistoryRow extends CatalogSyncRun {
  displayName: string;
  changeLists: SyncChanges | null;
}

/** The latest finished runs of every provider, newest first, with what each added, changed and withdrew. */
export async function catalogSyncHistory(take = 20): Promise<SyncHistoryRow[]> {
  const runs = await db().catalogSyncRun.findMany({
    where: { status: { in: [CatalogSyncStatus.SUCCEEDED, CatalogSyncStatus.FAILED] } },
    orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
    take,
  });
  const names = new Map<string, string>(allProviders().map((p) => [p.id, p.displayName]));
  return runs.map((run) => ({
    ...run,
    displayName: names.get(run.provider) ?? run.provider,
    changeLists: run.changes as SyncChanges | null,
  }));
}

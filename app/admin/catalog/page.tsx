import { setPlanPriceAction, togglePlanAction } from "@/app/admin/actions";
import { syncCatalogAction } from "@/app/admin/catalog/actions";
import { SearchForm } from "@/components/admin/search-form";
import { ActionForm } from "@/components/admin/action-form";
import { AutoRefresh } from "@/components/orders/auto-refresh";
import { Alert, Badge, Button, inputClass, Table, Td, Th } from "@/components/ui";
import { requireAdmin } from "@/lib/auth/session";
import { searchPlans } from "@/lib/catalog/admin";
import { catalogSyncHistory, latestCatalogSyncRuns, type SyncHistoryRow, type SyncRunView } from "@/lib/catalog/sync";
import { env } from "@/lib/config/env";
import { formatData } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import { searchFrom } from "@/lib/validation";

export const metadata = { title: "Catalog" };

export default async function AdminCatalogPage({ searchParams }: { searchParams: Promise<{ q?: string | string[] }> }) {
  await requireAdmin("/admin/catalog");
  const { query: q, error } = searchFrom((await searchParams).q);
  const [plans, runs, history] = await Promise.all([searchPlans(q), latestCatalogSyncRuns(), catalogSyncHistory()]);
  const schedule = env().CATALOG_SYNC_SCHEDULE;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Catalog and prices</h1>
      {/* Progress shows live: the page re-renders every second while a run is queued or running. */}
      {runs.some((run) => run.active) && <AutoRefresh everyMs={1000} />}
      <ActionForm action={syncCatalogAction} label="Sync catalog" submitLabel="Sync catalog from providers" variant="secondary" />
      <p className="text-sm text-slate-600">
        {schedule === "off"
          ? "Scheduled sync is off (CATALOG_SYNC_SCHEDULE)."
          : `Each provider also syncs on the schedule ${schedule} (UTC, CATALOG_SYNC_SCHEDULE).`}
      </p>
      {runs.length > 0 && (
        <Table caption="Latest catalog sync per provider">
          <thead>
            <tr>
              <Th>Provider</Th>
              <Th>Status</Th>
              <Th>Progress</Th>
              <Th>Result</Th>
              <Th>Started by</Th>
              <Th>Last change</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 bg-white align-top">
            {runs.map((run) => (
              <tr key={run.id}>
                <Td>{run.displayName}</Td>
                <Td>
                  <SyncStatus run={run} />
                </Td>
                <Td>{run.status === "RUNNING" || run.status === "QUEUED" ? <SyncProgressBar run={run} /> : "–"}</Td>
                <Td>
                  {run.status === "SUCCEEDED"
                    ? `${run.plans} plans: ${run.created} new, ${run.updated} changed, ${run.deactivated} withdrawn`
                    : (run.error ?? "–")}
                </Td>
                <Td>{run.trigger}</Td>
                <Td>{(run.finishedAt ?? run.updatedAt).toISOString().replace("T", " ").slice(0, 19)} UTC</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {history.length > 0 && <SyncHistory runs={history} />}
      {error && <Alert tone="warning">{error}</Alert>}
      <SearchForm id="plan-search" label="Destination or plan name" defaultValue={q} />
      <Table caption="Plans (first 100 matching)">
        <thead>
          <tr>
            <Th>Destination</Th>
            <Th>Plan</Th>
            <Th>Provider</Th>
            <Th>Cost</Th>
            <Th>Price</Th>
            <Th>On sale</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 bg-white align-top">
          {plans.map((p) => (
            <tr key={p.id}>
              <Td>{p.destination.name}</Td>
              <Td>
                {p.name} · {formatData(p.dataMb)} · {p.days} d
              </Td>
              <Td>{p.provider}</Td>
              <Td>{formatMoney(p.wholesaleMinor, p.currency)}</Td>
              <Td>
                <ActionForm
                  action={setPlanPriceAction}
                  label={`Price of ${p.name}`}
                  submitLabel="Save"
                  variant="secondary"
                  className="flex items-center gap-2"
                >
                  <input type="hidden" name="planId" value={p.id} />
                  <label className="sr-only" htmlFor={`price-${p.id}`}>
                    Price
                  </label>
                  <input
                    id={`price-${p.id}`}
                    name="price"
                    defaultValue={(p.priceMinor / 100).toFixed(2)}
                    className={`${inputClass} w-24`}
                    inputMode="decimal"
                  />
                  {p.priceOverridden && <Badge tone="info">manual</Badge>}
                </ActionForm>
              </Td>
              <Td>
                <form action={togglePlanAction}>
                  <input type="hidden" name="planId" value={p.id} />
                  <input type="hidden" name="active" value={String(!p.active)} />
                  <Button type="submit" variant="ghost">
                    {p.active ? "Withdraw" : "Put on sale"}
                  </Button>
                </form>
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

function SyncStatus({ run }: { run: SyncRunView }) {
  if (run.status === "SUCCEEDED") return <Badge tone="good">done</Badge>;
  if (run.status === "FAILED") return <Badge tone="bad">failed</Badge>;
  if (!run.active) return <Badge tone="warn">stalled</Badge>;
  return <Badge tone="info">{run.status === "QUEUED" ? "queued" : "running"}</Badge>;
}

/** "Reading the provider: 12 of 40", "Saving plans: 200 of 950", or "Waiting to start", with a bar when the total is known. */
function SyncProgressBar({ run }: { run: SyncRunView }) {
  if (run.status === "QUEUED" || !run.phase) return <>Waiting to start</>;
  const step = run.phase === "fetch" ? "Reading the provider" : "Saving plans";
  if (!run.total) return <>{step}</>;
  const label = `${step}: ${run.done} of ${run.total}`;
  return (
    <div className="space-y-1">
      <span>{label}</span>
      <progress className="block w-40" max={run.total} value={run.done} aria-label={`${run.displayName}: ${label}`} />
    </div>
  );
}

/** Finished runs, newest first; each lists what it added, changed and withdrew. */
function SyncHistory({ runs }: { runs: SyncHistoryRow[] }) {
  return (
    <Table caption="Sync history (latest 20 runs)">
      <thead>
        <tr>
          <Th>Finished</Th>
          <Th>Provider</Th>
          <Th>Started by</Th>
          <Th>Added</Th>
          <Th>Changed</Th>
          <Th>Withdrawn</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 bg-white align-top">
        {runs.map((run) => (
          <tr key={run.id}>
            <Td>{(run.finishedAt ?? run.updatedAt).toISOString().replace("T", " ").slice(0, 19)} UTC</Td>
            <Td>{run.displayName}</Td>
            <Td>{run.trigger}</Td>
            {run.status === "FAILED" ? (
              <Td colSpan={3}>
                <Badge tone="bad">failed</Badge> {run.error}
              </Td>
            ) : (
              <>
                <Td>
                  <ChangeList count={run.created ?? 0} names={run.changeLists?.added} />
                </Td>
                <Td>
                  <ChangeList count={run.updated ?? 0} names={run.changeLists?.changed} />
                </Td>
                <Td>
                  <ChangeList count={run.deactivated ?? 0} names={run.changeLists?.withdrawn} />
                </Td>
              </>
            )}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function ChangeList({ count, names }: { count: number; names: string[] | undefined }) {
  if (count === 0 || !names?.length) return <>{count}</>;
  return (
    <details>
      <summary className="cursor-pointer">{count}</summary>
      <ul className="mt-1 max-h-48 overflow-y-auto text-xs">
        {names.map((name, index) => (
          <li key={index}>{name}</li>
        ))}
        {count > names.length && <li>… and {count - names.length} more</li>}
      </ul>
    </details>
  );
}

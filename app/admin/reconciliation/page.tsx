import { dismissFindingAction, fixFindingAction, runReconciliationAction } from "@/app/admin/reconciliation/actions";
import { ActionForm } from "@/components/admin/action-form";
import { OpenFindings, ProviderSummaries, RunsTable, SettledFindings } from "@/components/admin/reconciliation";
import { AutoRefresh } from "@/components/orders/auto-refresh";
import { requireAdmin } from "@/lib/auth/session";
import { isUnderWay, reconciliationOverview } from "@/lib/orders/reconciliation";
import { allProviders } from "@/lib/providers/registry";

export const metadata = { title: "Reconciliation" };

export default async function ReconciliationPage() {
  await requireAdmin("/admin/reconciliation");
  const { runs, open, settled } = await reconciliationOverview();
  const providerNames = Object.fromEntries(allProviders().map((p) => [p.id, p.displayName]));
  const lastWithProviders = runs.find((run) => run.providers.length > 0);
  return (
    <div className="space-y-6">
      {runs.some((run) => isUnderWay(run)) && <AutoRefresh />}
      <div className="space-y-2">
        <h1 className="text-2xl font-bold">Reconciliation</h1>
        <p className="max-w-3xl text-sm text-slate-700">
          Compares our orders with each provider&apos;s own records, where the provider can be asked. A run fixes only what it can prove (an
          order the provider holds with its install data is recorded and delivered); everything else is listed here, with a one-click fix
          where one is safe.
        </p>
        <ActionForm action={runReconciliationAction} label="Run reconciliation" submitLabel="Run reconciliation" />
      </div>

      {lastWithProviders && <ProviderSummaries summaries={lastWithProviders.providers} />}

      <section aria-labelledby="runs-heading" className="space-y-2">
        <h2 id="runs-heading" className="text-lg font-semibold">
          Last runs
        </h2>
        <RunsTable runs={runs} />
      </section>

      <section aria-labelledby="open-heading" className="space-y-2">
        <h2 id="open-heading" className="text-lg font-semibold">
          Open findings ({open.length})
        </h2>
        <OpenFindings findings={open} providerNames={providerNames} fixAction={fixFindingAction} dismissAction={dismissFindingAction} />
      </section>

      <section aria-labelledby="settled-heading" className="space-y-2">
        <h2 id="settled-heading" className="text-lg font-semibold">
          Fixed and dismissed
        </h2>
        <SettledFindings findings={settled} providerNames={providerNames} />
      </section>
    </div>
  );
}

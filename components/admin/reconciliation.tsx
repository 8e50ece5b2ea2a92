import Link from "next/link";
import { ActionForm } from "@/components/admin/action-form";
import type { ActionState } from "@/components/forms/action-state";
import { Badge, Table, Td, Th } from "@/components/ui";
import type { ReconciliationFinding, ReconciliationFindingKind, ReconciliationFix } from "@/lib/generated/prisma/client";
import type { ProviderSummary, reconciliationOverview } from "@/lib/orders/reconciliation";

type Overview = Awaited<ReturnType<typeof reconciliationOverview>>;
type FindingAction = (state: ActionState, form: FormData) => Promise<ActionState>;

const KIND_LABELS: Record<ReconciliationFindingKind, string> = {
  PAID_NOT_ORDERED: "Paid here, not ordered upstream",
  ORDERED_NOT_RECORDED: "Ordered upstream, not recorded here",
  CANCELLED_UPSTREAM_NOT_REFUNDED: "Cancelled upstream, not refunded here",
  REFUNDED_HERE_ACTIVE_UPSTREAM: "Refunded here, live upstream",
  DELIVERED_HERE_ABSENT_UPSTREAM: "Delivered here, not upstream",
};

function fixLabel(fix: ReconciliationFix, provider: string): string {
  switch (fix) {
    case "DELIVER":
      return "Record and deliver";
    case "PLACE":
      return `Place at ${provider}`;
    case "CANCEL_UPSTREAM_AND_REFUND":
      return `Cancel at ${provider} and refund`;
    case "REFUND":
      return "Refund the customer";
    case "CANCEL_UPSTREAM":
      return `Cancel at ${provider}`;
  }
}

const when = (date: Date | null) => (date ? date.toISOString().slice(0, 19).replace("T", " ") : "");

const OUTCOME: Record<ProviderSummary["outcome"], { label: string; tone: "good" | "neutral" | "bad" }> = {
  compared: { label: "Compared", tone: "good" },
  cannot_be_asked: { label: "Cannot be asked", tone: "neutral" },
  failed: { label: "Could not be asked", tone: "bad" },
};

/** What the last run learnt about each provider: compared, cannot be asked (no documented order list), or failed. */
export function ProviderSummaries({ summaries }: { summaries: readonly ProviderSummary[] }) {
  if (summaries.length === 0) return null;
  return (
    <ul aria-label="Providers in the last run" className="space-y-1 text-sm">
      {summaries.map((s) => (
        <li key={s.provider}>
          <span className="font-medium">{s.name}</span> <Badge tone={OUTCOME[s.outcome].tone}>{OUTCOME[s.outcome].label}</Badge> {s.note}
        </li>
      ))}
    </ul>
  );
}

function RunStatus({ run }: { run: Overview["runs"][number] }) {
  switch (run.status) {
    case "QUEUED":
      return <Badge tone="info">Queued</Badge>;
    case "RUNNING":
      return (
        <Badge tone="info">
          Running: {run.checked} of {run.total} orders compared
        </Badge>
      );
    case "SUCCEEDED":
      return <Badge tone="good">Done</Badge>;
    case "FAILED":
      return (
        <>
          <Badge tone="bad">Failed</Badge>
          {run.error && <p className="mt-1 max-w-md text-xs text-red-700">{run.error}</p>}
        </>
      );
  }
}

export function RunsTable({ runs }: { runs: Overview["runs"] }) {
  if (runs.length === 0) return <p className="text-sm text-slate-600">No run yet.</p>;
  return (
    <Table caption="Reconciliation runs, newest first">
      <thead>
        <tr>
          <Th>Started</Th>
          <Th>By</Th>
          <Th>Status</Th>
          <Th>Orders compared</Th>
          <Th>New findings</Th>
          <Th>Fixed by the run</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 bg-white align-top">
        {runs.map((run) => (
          <tr key={run.id}>
            <Td className="text-xs">{when(run.startedAt ?? run.createdAt)}</Td>
            <Td>{run.trigger === "schedule" ? "Schedule" : (run.requestedBy ?? "An admin")}</Td>
            <Td>
              <RunStatus run={run} />
            </Td>
            <Td>
              {run.checked} of {run.total}
            </Td>
            <Td>{run._count.findings}</Td>
            <Td>{run.autoFixed}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function Upstream({ finding }: { finding: ReconciliationFinding }) {
  const rows = (finding.upstream ?? []) as { providerOrderRef: string; iccid: string | null; status: string }[];
  return (
    <>
      {rows.map((r) => (
        <span key={r.providerOrderRef} className="block font-mono text-xs">
          {r.providerOrderRef} {r.iccid} {r.status}
        </span>
      ))}
    </>
  );
}

function Subject({ finding }: { finding: ReconciliationFinding }) {
  return finding.orderId ? (
    <Link href={`/admin/orders/${encodeURIComponent(finding.orderId)}`} className="font-mono text-xs underline">
      {finding.orderId}
    </Link>
  ) : (
    <span className="font-mono text-xs">{finding.subject}</span>
  );
}

export function OpenFindings({
  findings,
  providerNames,
  fixAction,
  dismissAction,
}: {
  findings: Overview["open"];
  providerNames: Record<string, string>;
  fixAction: FindingAction;
  dismissAction: FindingAction;
}) {
  if (findings.length === 0) return <p className="text-sm text-slate-600">No open findings.</p>;
  return (
    <Table caption="Open findings, newest first">
      <thead>
        <tr>
          <Th>Difference</Th>
          <Th>Order</Th>
          <Th>Upstream</Th>
          <Th>Found</Th>
          <Th>Action</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 bg-white align-top">
        {findings.map((f) => (
          <tr key={f.id}>
            <Td>
              <p className="font-medium">{KIND_LABELS[f.kind]}</p>
              <p className="mt-1 max-w-md text-xs text-slate-700">{f.detail}</p>
            </Td>
            <Td>
              <Subject finding={f} />
              <span className="block text-xs">{providerNames[f.provider] ?? f.provider}</span>
            </Td>
            <Td>
              <Upstream finding={f} />
            </Td>
            <Td className="text-xs">
              {when(f.createdAt)}
              <span className="block text-slate-500">last seen {when(f.lastSeenAt)}</span>
            </Td>
            <Td className="space-y-2">
              {f.fix ? (
                <ActionForm
                  action={fixAction}
                  label={`Fix ${f.subject}`}
                  submitLabel={fixLabel(f.fix, providerNames[f.provider] ?? f.provider)}
                >
                  <input type="hidden" name="findingId" value={f.id} />
                </ActionForm>
              ) : (
                <p className="text-xs text-amber-800">Needs a person.</p>
              )}
              <ActionForm action={dismissAction} label={`Dismiss ${f.subject}`} submitLabel="Dismiss" variant="secondary">
                <input type="hidden" name="findingId" value={f.id} />
              </ActionForm>
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

export function SettledFindings({ findings, providerNames }: { findings: Overview["settled"]; providerNames: Record<string, string> }) {
  if (findings.length === 0) return <p className="text-sm text-slate-600">Nothing fixed or dismissed yet.</p>;
  return (
    <Table caption="Fixed and dismissed findings, newest first">
      <thead>
        <tr>
          <Th>Difference</Th>
          <Th>Order</Th>
          <Th>Outcome</Th>
          <Th>By</Th>
          <Th>When</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 bg-white align-top">
        {findings.map((f) => (
          <tr key={f.id}>
            <Td>{KIND_LABELS[f.kind]}</Td>
            <Td>
              <Subject finding={f} />
              <span className="block text-xs">{providerNames[f.provider] ?? f.provider}</span>
            </Td>
            <Td>
              <Badge tone={f.status === "FIXED" ? "good" : "neutral"}>{f.status === "FIXED" ? "Fixed" : "Dismissed"}</Badge>
              {f.resolution && <p className="mt-1 max-w-md text-xs text-slate-700">{f.resolution}</p>}
            </Td>
            <Td>{f.resolvedBy ?? "A run"}</Td>
            <Td className="text-xs">{when(f.resolvedAt)}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

import Link from "next/link";
import { notFound } from "next/navigation";
import { IccidRunProgress, IccidRunStatus } from "@/components/admin/iccid-run";
import { AutoRefresh } from "@/components/orders/auto-refresh";
import { Alert, Table, Td, Th } from "@/components/ui";
import { iccidQueryRun } from "@/lib/admin/mioesim-tools";
import { requireAdmin } from "@/lib/auth/session";
import { formatData } from "@/lib/format";
import { recordIdFrom } from "@/lib/validation";

export const metadata = { title: "ICCID status query" };

/** The page lists this many results; the CSV has them all. */
const SHOWN = 500;

export default async function IccidRunPage({
  params,
  searchParams,
}: {
  params: Promise<{ runId: string }>;
  searchParams: Promise<{ duplicates?: string | string[] }>;
}) {
  const { runId } = await params;
  await requireAdmin(`/admin/providers/mioesim/iccids/${encodeURIComponent(runId)}`);
  const id = recordIdFrom(runId);
  const found = id ? await iccidQueryRun(id) : null;
  if (!found) notFound();
  const { run, results } = found;
  const duplicates = Number((await searchParams).duplicates);
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link href="/admin/providers/mioesim/iccids" className="underline">
          Batch ICCID status
        </Link>{" "}
        / query of {run.createdAt.toISOString().replace("T", " ").slice(0, 19)} UTC
      </p>
      <h1 className="text-2xl font-bold">Status of {run.total} cards</h1>
      {/* Progress shows live: the page re-renders every second while the query is queued or running. */}
      {run.active && <AutoRefresh everyMs={1000} />}
      {Number.isInteger(duplicates) && duplicates > 0 && <Alert tone="info">{duplicates} repeated ICCIDs were dropped.</Alert>}
      <div className="flex flex-wrap items-center gap-4">
        <IccidRunStatus run={run} />
        <IccidRunProgress run={run} />
      </div>
      {run.error && <Alert tone={run.status === "FAILED" ? "error" : "warning"}>{run.error}</Alert>}
      {run.status === "SUCCEEDED" && (
        <div className="flex flex-wrap items-center gap-4">
          <p className="text-sm">
            MIOeSIM reported {run.found} of {run.total} cards; {run.total - run.found} unknown to this account.
          </p>
          {/* A plain link: the CSV is a file download, not a page to navigate to. */}
          <a
            href={`/admin/providers/mioesim/iccids/${run.id}/csv`}
            download
            className="inline-flex min-h-11 items-center rounded-md px-4 py-2 text-sm font-semibold ring-1 ring-slate-300 hover:bg-slate-50"
          >
            Download CSV
          </a>
        </div>
      )}
      {results.length > 0 && (
        <Table caption={results.length > SHOWN ? `Results (first ${SHOWN} of ${results.length}; the CSV has all)` : "Results"}>
          <thead>
            <tr>
              <Th>ICCID</Th>
              <Th>Status</Th>
              <Th>Order</Th>
              <Th>Used</Th>
              <Th>Remaining</Th>
              <Th>Start</Th>
              <Th>End</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 bg-white">
            {results.slice(0, SHOWN).map((r) => (
              <tr key={r.iccid}>
                <Td className="font-mono">
                  {r.found ? (
                    <Link href={`/admin/providers/mioesim/cards/${r.iccid}`} className="underline">
                      {r.iccid}
                    </Link>
                  ) : (
                    r.iccid
                  )}
                </Td>
                <Td>{r.found ? (r.dpStatus ?? "not installed") : "unknown"}</Td>
                <Td>{r.orderNum ?? "–"}</Td>
                <Td>{r.usedMb === null ? "–" : formatData(r.usedMb)}</Td>
                <Td>{r.remainingMb === null ? "–" : formatData(r.remainingMb)}</Td>
                <Td>{r.startDate ?? "–"}</Td>
                <Td>{r.endDate ?? "–"}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}

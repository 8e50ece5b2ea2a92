import Link from "next/link";
import { startIccidQueryAction } from "@/app/admin/providers/mioesim/actions";
import { IccidBatchForm } from "@/components/admin/iccid-forms";
import { IccidRunStatus } from "@/components/admin/iccid-run";
import { AutoRefresh } from "@/components/orders/auto-refresh";
import { Card, CardTitle, Table, Td, Th } from "@/components/ui";
import { ICCID_BATCH_MAX, recentIccidQueryRuns } from "@/lib/admin/mioesim-tools";
import { requireAdmin } from "@/lib/auth/session";

export const metadata = { title: "Batch ICCID status" };

export default async function IccidBatchesPage() {
  await requireAdmin("/admin/providers/mioesim/iccids");
  const runs = await recentIccidQueryRuns();
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link href="/admin/providers" className="underline">
          Provider accounts
        </Link>{" "}
        /{" "}
        <Link href="/admin/providers/mioesim" className="underline">
          MIOeSIM
        </Link>{" "}
        / Batch ICCID status
      </p>
      <h1 className="text-2xl font-bold">Batch ICCID status</h1>
      {runs.some((run) => run.active) && <AutoRefresh everyMs={1000} />}
      <Card className="space-y-3">
        <CardTitle>New query</CardTitle>
        <IccidBatchForm action={startIccidQueryAction} maxCards={ICCID_BATCH_MAX} />
      </Card>
      {runs.length > 0 && (
        <Table caption="Recent queries (latest 20)">
          <thead>
            <tr>
              <Th>Started</Th>
              <Th>Cards</Th>
              <Th>Status</Th>
              <Th>Found</Th>
              <Th>Results</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 bg-white">
            {runs.map((run) => (
              <tr key={run.id}>
                <Td>{run.createdAt.toISOString().replace("T", " ").slice(0, 19)} UTC</Td>
                <Td>{run.total}</Td>
                <Td>
                  <IccidRunStatus run={run} />
                </Td>
                <Td>{run.found}</Td>
                <Td>
                  <Link href={`/admin/providers/mioesim/iccids/${run.id}`} className="underline">
                    Open
                  </Link>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}

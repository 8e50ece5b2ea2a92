import Link from "next/link";
import { Table, Td, Th } from "@/components/ui";
import { formatMoney } from "@/lib/money";

export interface MeisimBatchSummary {
  id: string;
  label: string | null;
  totalRows: number;
  chargedMinor: number;
  createdAt: Date;
}

/** Batches of LPA checks submitted from here, newest first, each linking to its progress and results. */
export function MeisimBatchList({ caption, batches }: { caption: string; batches: MeisimBatchSummary[] }) {
  if (batches.length === 0) return <p className="text-sm text-slate-600">No batches yet.</p>;
  return (
    <Table caption={caption}>
      <thead>
        <tr>
          <Th>Submitted</Th>
          <Th>Batch</Th>
          <Th>LPAs</Th>
          <Th>Charged</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 bg-white">
        {batches.map((b) => (
          <tr key={b.id}>
            <Td>{b.createdAt.toISOString().slice(0, 16).replace("T", " ")}</Td>
            <Td>
              <Link href={`/admin/providers/meisim/batches/${b.id}`} className="text-sky-700 underline">
                {b.label ?? b.id}
              </Link>
            </Td>
            <Td>{b.totalRows}</Td>
            <Td>{formatMoney(b.chargedMinor, "USD")}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

/** The pasted-or-uploaded LPA fields both batch forms share. */
export function MeisimLpaFields() {
  return (
    <>
      <label htmlFor="meisim-lpas" className="block text-sm font-medium">
        LPAs, one per line (LPA:1$&lt;SM-DP+&gt;$&lt;code&gt;)
      </label>
      <textarea id="meisim-lpas" name="lpas" rows={6} className="w-full rounded border border-slate-300 p-2 font-mono text-xs" />
      <label htmlFor="meisim-lpa-file" className="block text-sm font-medium">
        …or a CSV file with an <code>lpa</code> column (and optionally <code>iccid</code>)
      </label>
      <input id="meisim-lpa-file" name="file" type="file" accept=".csv,.txt,text/csv,text/plain" className="text-sm" />
    </>
  );
}

import { Table, Td, Th } from "@/components/ui";
import { formatMoney } from "@/lib/money";

export interface LedgerRow {
  id: string;
  /** A Date, or an instant as the provider wrote it. */
  at: Date | string;
  kind: string;
  amountMinor: number;
  balanceAfterMinor: number;
  currency: string;
  description: string | null;
}

const when = (at: Date | string) => (typeof at === "string" ? at : at.toISOString()).slice(0, 19).replace("T", " ");

/** A money ledger for admins: the wallet entries of an order, or the MeiSIM dealer wallet's transactions. */
export function LedgerTable({ caption, rows }: { caption: string; rows: LedgerRow[] }) {
  return (
    <Table caption={caption}>
      <thead>
        <tr>
          <Th>When</Th>
          <Th>Kind</Th>
          <Th>Amount</Th>
          <Th>Balance after</Th>
          <Th>Description</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 bg-white">
        {rows.map((r) => (
          <tr key={r.id}>
            <Td className="text-xs">{when(r.at)}</Td>
            <Td>{r.kind}</Td>
            <Td>{formatMoney(r.amountMinor, r.currency)}</Td>
            <Td>{formatMoney(r.balanceAfterMinor, r.currency)}</Td>
            <Td className="text-xs">{r.description}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

import { Badge, Table, Td, Th } from "@/components/ui";
import { WalletEntryKind } from "@/lib/generated/prisma/client";
import { formatMoney } from "@/lib/money";
import type { WalletEntryWithAuthor } from "@/lib/wallet/queries";

const KIND_LABELS: Record<WalletEntryKind, { label: string; tone: "good" | "neutral" | "info" | "warn" }> = {
  [WalletEntryKind.TOPUP]: { label: "Top-up", tone: "good" },
  [WalletEntryKind.ORDER_DEBIT]: { label: "Purchase", tone: "neutral" },
  [WalletEntryKind.REFUND_CREDIT]: { label: "Refund", tone: "info" },
  [WalletEntryKind.ADJUSTMENT]: { label: "Adjustment", tone: "warn" },
  [WalletEntryKind.CLAWBACK]: { label: "Top-up reversed", tone: "warn" },
  [WalletEntryKind.CLAWBACK_REVERSAL]: { label: "Reversal undone", tone: "info" },
};

/** The ledger, newest first. `showAuthor` adds who made adjustments, for admins. */
export function WalletEntriesTable({ entries, showAuthor = false }: { entries: WalletEntryWithAuthor[]; showAuthor?: boolean }) {
  if (entries.length === 0) return <p className="text-sm text-slate-600">No wallet activity yet.</p>;
  return (
    <Table caption="Wallet history, newest first">
      <thead>
        <tr>
          <Th>Date</Th>
          <Th>Type</Th>
          <Th>Description</Th>
          <Th className="text-right">Amount</Th>
          <Th className="text-right">Balance</Th>
          {showAuthor && <Th>By</Th>}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 bg-white">
        {entries.map((entry) => (
          <tr key={entry.id}>
            <Td>
              <time dateTime={entry.createdAt.toISOString()}>{entry.createdAt.toISOString().replace("T", " ").slice(0, 16)} UTC</time>
            </Td>
            <Td>
              <Badge tone={KIND_LABELS[entry.kind].tone}>{KIND_LABELS[entry.kind].label}</Badge>
            </Td>
            <Td>
              {entry.description}
              {entry.reason && <span className="block text-xs text-slate-500">{entry.reason}</span>}
            </Td>
            <Td className={entry.amountMinor < 0 ? "text-right tabular-nums" : "text-right tabular-nums text-emerald-700"}>
              {entry.amountMinor > 0 ? "+" : ""}
              {formatMoney(entry.amountMinor, entry.currency)}
            </Td>
            <Td className="text-right tabular-nums">{formatMoney(entry.balanceAfterMinor, entry.currency)}</Td>
            {showAuthor && <Td>{entry.author?.email ?? "—"}</Td>}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

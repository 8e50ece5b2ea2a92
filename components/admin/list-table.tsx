import type { ReactNode } from "react";
import { cx, Table, Td, Th } from "@/components/ui";

export interface Column<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
  /** Amounts and counts: right-aligned, digits of one width. */
  numeric?: boolean;
  /** Classes for the cells only (a monospaced id…). */
  className?: string;
}

/** A list of records as a table, one column each, or a line saying there are none. */
export function ListTable<Row>({
  caption,
  rows,
  rowKey,
  columns,
  empty,
}: {
  caption: string;
  rows: Row[];
  rowKey: (row: Row) => string;
  columns: Column<Row>[];
  empty: string;
}) {
  if (rows.length === 0) return <p className="text-sm text-slate-600">{empty}</p>;
  return (
    <Table caption={caption}>
      <thead>
        <tr>
          {columns.map((column) => (
            <Th key={column.header} className={column.numeric ? "text-right" : undefined}>
              {column.header}
            </Th>
          ))}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 bg-white">
        {rows.map((row) => (
          <tr key={rowKey(row)}>
            {columns.map((column) => (
              <Td key={column.header} className={cx(column.numeric && "text-right tabular-nums", column.className)}>
                {column.cell(row)}
              </Td>
            ))}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

import { z } from "zod";
import { ProviderResponseError } from "../errors";
import { toMinorUnits } from "../http";
import { parseCsv } from "./csv";

/**
 * Checking the answers the document shapes exactly (account, order history,
 * wallet, statement, auth, verification, supply, validator). Unknown extra
 * fields pass; a missing or malformed documented one fails with its name.
 * Loosely documented answers are read by ./normalise instead.
 */

/** A decimal USD figure (number or numeric string) as integer cents. */
export const usdMinor = z.union([z.number().finite(), z.string().regex(/^-?\d+(\.\d+)?$/)]).transform((v) => toMinorUnits(v));

/** An instant MeiSIM writes as ISO text; kept as text, but it must parse. */
export const isoDateTime = z.string().refine((v) => !Number.isNaN(Date.parse(v)), "not a date-time");

export function parseResponse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  if (value === undefined) throw new ProviderResponseError("meisim", `${where}: response body is not JSON`);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join(".") || "(body)";
  throw new ProviderResponseError("meisim", `${where}: response field "${field}": ${issue.message}`, result.error);
}

/** CSV text as records keyed by header; every `columns` entry must be in the header. */
export function parseCsvRecords<C extends string>(text: string, columns: readonly C[], where: string): Record<C, string>[] {
  let table: string[][];
  try {
    table = parseCsv(text);
  } catch (err) {
    throw new ProviderResponseError("meisim", `${where}: ${(err as Error).message}`, err);
  }
  const [header = [], ...rows] = table;
  const names = header.map((h) => h.trim().toLowerCase());
  const positions = columns.map((column) => {
    const at = names.indexOf(column.toLowerCase());
    if (at < 0) throw new ProviderResponseError("meisim", `${where}: CSV column "${column}" is missing (header: ${header.join(",")})`);
    return at;
  });
  return rows.map((row) => Object.fromEntries(columns.map((column, i) => [column, row[positions[i]!] ?? ""])) as Record<C, string>);
}

/** A CSV cell that must hold a decimal amount, as cents. */
export function csvMinor(value: string, column: string, where: string): number {
  try {
    return toMinorUnits(value);
  } catch (err) {
    throw new ProviderResponseError("meisim", `${where}: CSV column "${column}" holds "${value}", not an amount`, err);
  }
}

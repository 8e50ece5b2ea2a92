/**
 * Reading answers whose shape the provider documents only loosely. Where a
 * document names a field in words ("data allowance") or shows no exact
 * shape, an answer may carry the same data as camelCase, PascalCase or
 * snake_case keys, numbers as strings, and lists bare or inside a wrapper.
 * These helpers accept those variants; each provider folder normalises its
 * answers with them once, and names the fields it looks for.
 */
import { ProviderResponseError } from "./errors";
import type { ProviderId } from "./types";

export type LooseRecord = Record<string, unknown>;

/** "dataAllowance", "DataAllowance", "data_allowance" and "data-allowance" all fold to "dataallowance". */
export function foldKey(key: string): string {
  return key.replace(/[_\-\s]/g, "").toLowerCase();
}

export function isRecord(value: unknown): value is LooseRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The first present (non-null) value under any of `names`, matched case- and separator-insensitively. */
export function pick(record: LooseRecord, names: readonly string[]): unknown {
  const wanted = names.map(foldKey);
  for (const name of wanted) {
    for (const [key, value] of Object.entries(record)) {
      if (foldKey(key) === name && value !== null && value !== undefined && value !== "") return value;
    }
  }
  return undefined;
}

/** A finite number from a number or a numeric string ("4.49", " 20 "); undefined otherwise. */
export function looseNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

export function looseString(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim() || undefined;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

export function looseBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === 1 || value === "1" || (typeof value === "string" && /^(true|yes|y)$/i.test(value.trim()))) return true;
  if (value === 0 || value === "0" || (typeof value === "string" && /^(false|no|n)$/i.test(value.trim()))) return false;
  return undefined;
}

/**
 * A list given bare or inside a wrapper object under one of `wrapperNames`
 * (searched one level deep, then inside a nested `data`/`result`). Undefined
 * when no list is there.
 */
export function looseList(value: unknown, wrapperNames: readonly string[]): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (!isRecord(value)) return undefined;
  const direct = pick(value, wrapperNames);
  if (Array.isArray(direct)) return direct;
  for (const nested of ["data", "result", "payload"]) {
    const inner = pick(value, [nested]);
    if (inner !== undefined && inner !== value) {
      const found = looseList(inner, wrapperNames);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Reads one required field by its natural names, or fails with an operator
 * error that names the field and the endpoint (the raw body stays on the
 * error's cause for the admin page).
 */
export function required<T>(
  provider: ProviderId,
  endpoint: string,
  record: LooseRecord,
  field: string,
  names: readonly string[],
  read: (value: unknown) => T | undefined,
): T {
  const raw = pick(record, names);
  const value = raw === undefined ? undefined : read(raw);
  if (value === undefined) {
    const problem = raw === undefined ? "is missing" : `is unreadable (${JSON.stringify(raw).slice(0, 80)})`;
    throw new ProviderResponseError(provider, `${endpoint} response: ${field} ${problem} (looked for ${names.join(", ")})`, {
      body: record,
    });
  }
  return value;
}

/** Reads an optional field by its natural names; undefined when absent or unreadable. */
export function optional<T>(record: LooseRecord, names: readonly string[], read: (value: unknown) => T | undefined): T | undefined {
  const raw = pick(record, names);
  return raw === undefined ? undefined : read(raw);
}

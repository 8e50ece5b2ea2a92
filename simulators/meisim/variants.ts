/**
 * MeiSIM's variant dialects: the strict answers, but for one point the
 * Dealer API document leaves open, so that each is tested on its own. They
 * strike the calls that place something (an eSIM order, a recharge, a
 * wallet order) after MeiSIM has done it, and the order history:
 *
 * - `late-history`: the writes' answers are lost, and `GET /api/v1/orders`
 *   lists an order only `lateHistoryMs` after it was made (the document says
 *   nothing of how soon an order appears there);
 * - `unlisted-code`: the writes are done, then answered HTTP 409, a status
 *   the document's error table does not list;
 * - `unknown-status`: the eSIM order answers `Status: "Pending"`, recharges
 *   and wallet orders carry `status: "queued"`, and history rows show
 *   `status: "processing"` (the document shows only "Success" and "completed");
 * - `missing-fields`: the writes answer 200 without what the document
 *   promises (the eSIM order only `{Status: "Success"}`, no Iccid or QrCode);
 * - the wire faults (../shared/wire-faults): `lost-answer`,
 *   `malformed-json`, `html-error`, `huge-body`, `slow-answer`.
 *
 * QrCode forms are chosen apart, with POST /__sim/qr-form, in any dialect.
 */
import type { DialectSetting } from "../shared/dialect-control";
import type { SimResponse } from "../shared/server";
import { faultedAnswer, WIRE_FAULTS, type WireFault } from "../shared/wire-faults";

export const MEISIM_VARIANT_DIALECTS = ["late-history", "unlisted-code", "unknown-status", "missing-fields", ...WIRE_FAULTS] as const;
export type MeisimVariantDialect = (typeof MEISIM_VARIANT_DIALECTS)[number];

/** The calls that place something and cost the dealer money. */
export const WRITE_PATHS: ReadonlySet<string> = new Set(["/api/v1/esim/order", "/api/v1/topup/recharge", "/dealer/order"]);
const ESIM_ORDER_PATH = "/api/v1/esim/order";
const HISTORY_PATH = "/api/v1/orders";

export function isVariant(dialect: string): dialect is MeisimVariantDialect {
  return (MEISIM_VARIANT_DIALECTS as readonly string[]).includes(dialect);
}

const isWireFault = (dialect: string): dialect is WireFault => (WIRE_FAULTS as readonly string[]).includes(dialect);

/** The answer of a write MeiSIM has done, as the variant delivers it (strict dialects pass it through). */
export function variantWriteAnswer(setting: DialectSetting<string>, path: string, answer: SimResponse): SimResponse {
  const dialect = setting.current;
  const body = (answer.body ?? {}) as Record<string, unknown>;
  if (dialect === "late-history") return faultedAnswer("lost-answer", answer, setting);
  if (isWireFault(dialect)) return faultedAnswer(dialect, answer, setting);
  if (dialect === "unlisted-code") return { status: 409, body: { error: "Conflict", message: "The request is being processed" } };
  if (dialect === "unknown-status") {
    return { ...answer, body: path === ESIM_ORDER_PATH ? { ...body, Status: "Pending" } : { ...body, status: "queued" } };
  }
  if (dialect === "missing-fields") {
    return { ...answer, body: path === ESIM_ORDER_PATH ? { Status: "Success" } : path === "/dealer/order" ? { ok: true } : {} };
  }
  return answer;
}

interface HistoryRow {
  status?: unknown;
  created_at?: unknown;
}

/** The order history as the variant shows it: late orders left out, statuses unknown. */
export function variantHistory(setting: DialectSetting<string>, path: string, answer: SimResponse, now: number): SimResponse {
  if (path !== HISTORY_PATH || !Array.isArray(answer.body)) return answer;
  const rows = answer.body as HistoryRow[];
  if (setting.current === "late-history") {
    const visibleBefore = now - setting.lateHistoryMs;
    return { ...answer, body: rows.filter((row) => Date.parse(String(row.created_at)) <= visibleBefore) };
  }
  if (setting.current === "unknown-status") return { ...answer, body: rows.map((row) => ({ ...row, status: "processing" })) };
  return answer;
}

import { parse } from "csv-parse/sync";
import { SUPPLY_SKUS, VALIDATOR_SKUS, type SimSku } from "./catalog";
import type { MeisimViews } from "./dialects";
import type { MeisimRouter } from "./router";
import {
  badRequest,
  insufficientFunds,
  notFound,
  optionalNumber,
  optionalString,
  requiredEmail,
  requiredString,
  SimError,
  unauthorized,
  usd,
} from "./sim-error";
import type { MeisimState } from "./state";
import { SupplyInventory } from "./supply";
import { ownBatch, resultsCsv } from "./wallet-routes";

const PREFIX = "/api/portal/v1";
const MAX_VALIDATE_ROWS = 50_000;

function sku(list: readonly SimSku[], body: Record<string, unknown>): SimSku {
  const id = requiredString(body, "sku_id");
  const found = list.find((s) => s.id === id);
  if (!found) throw notFound(`SKU ${id} not found for this service`);
  return found;
}

/** The validator's CSV input: a header with an `lpa` column, and optionally `iccid`. */
function validationRows(csv: string): { iccid?: string; lpa: string }[] {
  let table: string[][];
  try {
    table = parse(csv, { bom: true, skip_empty_lines: true, relax_column_count: true });
  } catch (err) {
    throw badRequest(`csv: ${(err as Error).message}`);
  }
  const [header = [], ...rows] = table;
  const names = header.map((h) => h.trim().toLowerCase());
  const lpaAt = names.indexOf("lpa");
  const iccidAt = names.indexOf("iccid");
  if (lpaAt < 0) throw badRequest("csv must have an lpa column");
  return rows.map((r) => ({ lpa: r[lpaAt] ?? "", iccid: iccidAt < 0 ? undefined : r[iccidAt] || undefined }));
}

export function portalRoutes(router: MeisimRouter, state: MeisimState, views: MeisimViews): void {
  router.route("POST", `${PREFIX}/auth/login`, { auth: "none" }, ({ req }) => {
    const email = requiredEmail(req.body, "email").toLowerCase();
    const password = requiredString(req.body, "password");
    const user = state.portalUsers.find((u) => u.email === email && u.password === password);
    if (!user) throw unauthorized("Invalid email or password");
    return views.portalLogin(state.issueToken("portal", user.id), { id: user.id, email: user.email });
  });

  // ── eSIM Supply ─────────────────────────────────────────────────────
  router.route("GET", `${PREFIX}/services/esim_supply_att/skus`, { auth: "portal" }, () => views.skus(SUPPLY_SKUS));

  router.route("POST", `${PREFIX}/services/esim_supply_att/execute`, { auth: "portal" }, ({ req, dealer }) => {
    const item = sku(SUPPLY_SKUS, req.body);
    const quantity = optionalNumber(req.body, "quantity");
    if (quantity === undefined || !Number.isInteger(quantity) || quantity < 1) throw badRequest("quantity must be a positive integer");
    const usageId = state.newUsageId();
    const ref = `INV-${usageId}`;
    // Debited for everything up front, then credited for what stock could not fill, like the real claim.
    state.debit(dealer, item.priceCents * quantity, `eSIM Supply ${ref}: ${quantity} × ${item.name}`, ref);
    const units = state.supply.claim(dealer.id, quantity, usageId, state.now());
    const shortfall = quantity - units.length;
    if (shortfall > 0) {
      const reason = units.length === 0 ? "out of stock" : `short fill ${units.length}/${quantity}`;
      state.credit(dealer, item.priceCents * shortfall, "refund", `eSIM Supply ${ref}: ${reason}`, { relatedOrderId: ref });
    }
    if (units.length === 0) throw new SimError(409, "VENDOR_ERROR", "No stock available for this SKU; the debit was refunded");
    return {
      usage_id: usageId,
      vendor_order_ref: ref,
      cost_usd: usd(item.priceCents * units.length),
      status: "succeeded",
      result: {
        carrier: item.carrier,
        plan_type: item.planType,
        quantity_ordered: quantity,
        quantity_filled: units.length,
        partial: shortfall > 0,
        esims: units.map((u) => ({ iccid: u.iccid, lpa: u.lpa, inventory_id: u.id, assigned_at: new Date(u.assignedAt!).toISOString() })),
      },
    };
  });

  router.route("GET", `${PREFIX}/esim-supply/stock`, { auth: "portal" }, () => ({ stats: state.supply.stats() }));

  router.route("GET", `${PREFIX}/esim-supply/my`, { auth: "portal" }, ({ req, dealer }) => {
    const limit = Number(req.query.get("limit") ?? 100);
    const offset = Number(req.query.get("offset") ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badRequest("limit must be between 1 and 500");
    if (!Number.isInteger(offset) || offset < 0) throw badRequest("offset must be a non-negative integer");
    const mine = state.supply.ownedBy(dealer.id);
    return {
      esims: mine.slice(offset, offset + limit).map((u) => ({
        id: u.id,
        iccid: u.iccid,
        lpa: u.lpa,
        carrier: u.carrier,
        plan_type: u.planType,
        status: u.status,
        assigned_at: new Date(u.assignedAt!).toISOString(),
        sold_via_usage_id: u.usageId,
      })),
      total: mine.length,
      limit,
      offset,
    };
  });

  router.route("POST", `${PREFIX}/esim-supply/replace`, { auth: "portal" }, ({ req, dealer }) => {
    const iccid = requiredString(req.body, "iccid");
    const unit = state.supply.units.find((u) => u.iccid === iccid && u.ownerDealerId === dealer.id);
    if (!unit) throw notFound(`eSIM ${iccid} is not one of yours`);
    if (unit.status === "burned") throw badRequest(`eSIM ${iccid} was already replaced or destroyed`);
    const check = state.supply.requestReplacement(dealer.id, unit, state.now());
    return { ok: true, decision: "submitted", check_id: check.id, message: SupplyInventory.submittedMessage };
  });

  router.route("GET", `${PREFIX}/esim-supply/replace/status/:checkId`, { auth: "portal" }, ({ req, dealer }) => {
    const check = state.supply.checks.get(req.params.checkId!);
    if (!check || check.dealerId !== dealer.id) throw notFound(`Check ${req.params.checkId} not found`);
    return state.supply.describe(check);
  });

  // ── eSIM Validator ──────────────────────────────────────────────────
  router.route("GET", `${PREFIX}/services/esim_validate/skus`, { auth: "portal" }, () => views.skus(VALIDATOR_SKUS));

  router.route("POST", `${PREFIX}/services/esim_validate/execute`, { auth: "portal" }, ({ req, dealer }) => {
    const item = sku(VALIDATOR_SKUS, req.body);
    const rows = validationRows(requiredString(req.body, "csv"));
    if (rows.length === 0) throw badRequest("No LPAs provided");
    if (rows.length > MAX_VALIDATE_ROWS) throw badRequest(`At most ${MAX_VALIDATE_ROWS} rows per batch`);
    const cost = item.priceCents * rows.length;
    if (dealer.balanceCents < cost) throw insufficientFunds(dealer.balanceCents, cost);
    const label = optionalString(req.body, "label") ?? `Validation · ${rows.length} LPAs`;
    const batch = state.checks.create({ dealerId: dealer.id, label, perRowCents: item.priceCents, rows, now: state.now() });
    state.debit(dealer, cost, `eSIM validation ${label}: ${rows.length} rows`, batch.id);
    return {
      usage_id: state.newUsageId(),
      vendor_order_ref: batch.id,
      cost_usd: usd(cost),
      status: "executing",
      result: {
        batch_id: batch.id,
        total_rows: rows.length,
        cost_usd: usd(cost),
        per_row_usd: usd(item.priceCents),
        message: "Batch queued. Poll /esim-check/customer/batches/:id for progress.",
      },
    };
  });

  router.route("GET", `${PREFIX}/esim-check/customer/batches/:batchId`, { auth: "portal" }, ({ req, dealer }) =>
    state.checks.describe(ownBatch(state, dealer, req.params.batchId!), state.now()),
  );

  router.route("GET", `${PREFIX}/esim-check/customer/batches/:batchId/results.csv`, { auth: "portal" }, ({ req, dealer }) =>
    resultsCsv(state, ownBatch(state, dealer, req.params.batchId!)),
  );
}

/**
 * The admin's MeiSIM tools: LPA check batches (dealer eSIM verification and
 * the portal Validator), eSIM Supply, the dealer wallet, SIM top-ups paid
 * from the dealer wallet, resend/replace/revoke on MeiSIM orders, and the
 * dealer key from the OTP flow. Each change is audited with its actor and
 * reason; input is checked as MeiSIM's document says before any call.
 */
import "server-only";
import { recordAudit, type RequestOrigin } from "../audit";
import { db } from "../db/client";
import { MeisimCheckKind, type MeisimCheckBatch, type MeisimSupplyReplacement } from "../generated/prisma/client";
import { log } from "../log";
import { exportCsv } from "../security/csv-export";
import type {
  CheckBatch,
  CheckResultRow,
  MeisimLogin,
  MySupplyEsimPage,
  RechargeResult,
  StripeFee,
  SupplyPurchase,
} from "../providers/meisim";
import { parseCsv } from "../providers/meisim/csv";
import { LPA_PATTERN } from "../providers/meisim/input";
import { MAX_VERIFY_LPAS } from "../providers/meisim/verification-api";
import { DEALER_KEY, forgetCachedDealerKey, sealSecret } from "../providers/credential-store";
import { meisimClient } from "../providers/registry";
import { parseFaceValue, parseTarget, type Parsed, type TargetKind } from "../topup/input";
import { offeredNetworks } from "../topup/topups";

export { MeisimCheckKind };
export const MEISIM_TOOLS_PATH = "/admin/providers/meisim";

/** Who made a change, why, and from where: every audited tool takes one. */
export interface AdminActor {
  actorId: string;
  reason: string;
  origin?: RequestOrigin | null;
}

function audit(actor: AdminActor, action: string, entityType: string, entityId: string | null, details: Record<string, unknown>) {
  return recordAudit({
    actorId: actor.actorId,
    action,
    entityType,
    entityId,
    details: JSON.parse(JSON.stringify({ reason: actor.reason, ...details })),
    origin: actor.origin,
  });
}

// ── LPA lists ──────────────────────────────────────────────────────────

export interface LpaRow {
  iccid?: string;
  lpa: string;
}

/** How many refused lines an error message names before summarising. */
const SHOWN_PROBLEMS = 5;
const ICCID = /^\d{18,22}F?$/;

/**
 * LPAs pasted one per line, or a CSV file whose header names an `lpa`
 * column (and optionally `iccid`), as the Validator's CSV does. Every LPA
 * must read "LPA:1$<smdp>$<code>"; a batch holds 1 to 50,000 (the
 * documented limit). Problems are reported with their line numbers.
 */
export function parseLpaList(text: string): Parsed<LpaRow[]> {
  let records: string[][];
  try {
    records = parseCsv(text).map((r) => r.map((cell) => cell.trim()));
  } catch (err) {
    return { ok: false, error: `The file is not valid CSV: ${(err as Error).message}` };
  }
  records = records.filter((r) => r.some((cell) => cell !== ""));
  const header = records[0]?.map((cell) => cell.toLowerCase());
  const lpaColumn = header?.indexOf("lpa") ?? -1;
  const iccidColumn = header?.indexOf("iccid") ?? -1;
  const body = lpaColumn >= 0 ? records.slice(1) : records;
  const firstLine = lpaColumn >= 0 ? 2 : 1;
  if (body.length === 0) return { ok: false, error: "No LPAs provided." };
  if (body.length > MAX_VERIFY_LPAS)
    return {
      ok: false,
      error: `A batch holds at most ${MAX_VERIFY_LPAS.toLocaleString("en-US")} LPAs; this one has ${body.length.toLocaleString("en-US")}.`,
    };
  const problems: string[] = [];
  const rows = body.map((record, i): LpaRow => {
    const lpa = record[Math.max(lpaColumn, 0)] ?? "";
    const iccid = iccidColumn >= 0 ? record[iccidColumn] || undefined : undefined;
    if (!LPA_PATTERN.test(lpa)) problems.push(`line ${firstLine + i}: "${lpa.slice(0, 40)}" is not an LPA (LPA:1$<SM-DP+>$<code>)`);
    else if (iccid !== undefined && !ICCID.test(iccid)) problems.push(`line ${firstLine + i}: "${iccid}" is not an ICCID (18–22 digits)`);
    return iccid === undefined ? { lpa } : { iccid, lpa };
  });
  if (problems.length > 0) {
    const more = problems.length > SHOWN_PROBLEMS ? ` …and ${problems.length - SHOWN_PROBLEMS} more.` : "";
    return { ok: false, error: `${problems.slice(0, SHOWN_PROBLEMS).join("; ")}.${more}` };
  }
  return { ok: true, value: rows };
}

// ── Check batches (verification and Validator) ─────────────────────────

const checkApi = (kind: MeisimCheckKind) =>
  kind === MeisimCheckKind.VERIFICATION ? meisimClient().verification : meisimClient().validator;

/** Submits a dealer eSIM verification batch ($1 per LPA from the dealer wallet) and remembers it. */
export async function submitVerificationBatch(
  input: { rows: readonly LpaRow[]; notifyEmail?: string },
  actor: AdminActor,
): Promise<MeisimCheckBatch> {
  const submitted = await meisimClient().verification.submit({ lpas: input.rows.map((r) => r.lpa), notifyEmail: input.notifyEmail });
  return rememberBatch(MeisimCheckKind.VERIFICATION, submitted.batchId, null, submitted.totalRows, submitted.charged.amountMinor, actor);
}

/** Submits an eSIM Validator batch (priced per row by the SKU) and remembers it. */
export async function submitValidatorBatch(
  input: { skuId: string; label?: string; rows: readonly LpaRow[] },
  actor: AdminActor,
): Promise<MeisimCheckBatch> {
  const submitted = await meisimClient().validator.submit(input);
  return rememberBatch(
    MeisimCheckKind.VALIDATOR,
    submitted.batchId,
    input.label ?? null,
    submitted.totalRows,
    submitted.cost.amountMinor,
    actor,
  );
}

async function rememberBatch(
  kind: MeisimCheckKind,
  id: string,
  label: string | null,
  totalRows: number,
  chargedMinor: number,
  actor: AdminActor,
): Promise<MeisimCheckBatch> {
  return db().$transaction(async (tx) => {
    const batch = await tx.meisimCheckBatch.create({ data: { id, kind, label, totalRows, chargedMinor, createdById: actor.actorId } });
    await recordAudit(
      {
        actorId: actor.actorId,
        action: kind === MeisimCheckKind.VERIFICATION ? "meisim.verification.submit" : "meisim.validator.submit",
        entityType: "meisimCheckBatch",
        entityId: id,
        details: { reason: actor.reason, totalRows, chargedMinor },
        origin: actor.origin,
      },
      tx,
    );
    return batch;
  });
}

export function listCheckBatches(kind: MeisimCheckKind, take = 50): Promise<MeisimCheckBatch[]> {
  return db().meisimCheckBatch.findMany({ where: { kind }, orderBy: { createdAt: "desc" }, take });
}

export function findCheckBatch(id: string): Promise<MeisimCheckBatch | null> {
  return db().meisimCheckBatch.findUnique({ where: { id } });
}

/** The batch's progress as MeiSIM reports it now. */
export function checkBatchProgress(batch: Pick<MeisimCheckBatch, "id" | "kind">): Promise<CheckBatch> {
  return checkApi(batch.kind).batch(batch.id);
}

export const CHECK_RESULT_COLUMNS = ["iccid", "lpa", "status", "reason", "checked_at"] as const;

/** The results so far as CSV, in MeiSIM's columns; rows still running say "pending". */
export async function checkBatchResultsCsv(batch: Pick<MeisimCheckBatch, "id" | "kind">): Promise<string> {
  const rows: CheckResultRow[] = await checkApi(batch.kind).results(batch.id);
  return exportCsv(
    rows.map((r) => [r.iccid ?? "", r.lpa, r.status, r.reason ?? "", r.checkedAt ?? ""]),
    { header: true, columns: [...CHECK_RESULT_COLUMNS] },
  );
}

// ── eSIM Supply ────────────────────────────────────────────────────────

export async function supplyStock(): Promise<{ available: number; stats: Record<string, number> }> {
  const stats = await meisimClient().supply.stock();
  const available = Object.entries(stats)
    .filter(([key]) => key.endsWith(".available"))
    .reduce((sum, [, n]) => sum + n, 0);
  return { available, stats };
}

export function supplySkus() {
  return meisimClient().supply.skus();
}

/** Buys stock; a short fill comes back `partial` with the shortfall credited back to the dealer wallet. */
export async function buySupply(input: { skuId: string; quantity: number }, actor: AdminActor): Promise<SupplyPurchase> {
  const purchase = await meisimClient().supply.buy(input);
  await audit(actor, "meisim.supply.buy", "meisimSupplyPurchase", String(purchase.usageId), {
    skuId: input.skuId,
    quantityOrdered: purchase.quantityOrdered,
    quantityFilled: purchase.quantityFilled,
    partial: purchase.partial,
    costMinor: purchase.cost.amountMinor,
    iccids: purchase.esims.map((e) => e.iccid),
  });
  return purchase;
}

export const SUPPLY_PAGE_SIZE = 25;

export function mySupplyEsims(offset: number): Promise<MySupplyEsimPage> {
  return meisimClient().supply.myEsims({ limit: SUPPLY_PAGE_SIZE, offset });
}

/** Asks MeiSIM to check an eSIM believed broken; the decision is read later (refreshPendingReplacements). */
export async function requestSupplyReplacement(iccid: string, actor: AdminActor): Promise<MeisimSupplyReplacement> {
  const { checkId, message } = await meisimClient().supply.requestReplacement(iccid);
  return db().$transaction(async (tx) => {
    const row = await tx.meisimSupplyReplacement.create({
      data: { checkId, iccid, decision: "pending", message, requestedById: actor.actorId },
    });
    await recordAudit(
      {
        actorId: actor.actorId,
        action: "meisim.supply.replace",
        entityType: "meisimSupplyReplacement",
        entityId: checkId,
        details: { reason: actor.reason, iccid },
        origin: actor.origin,
      },
      tx,
    );
    return row;
  });
}

/** Reads the decision of every replacement still pending; one that cannot be read now is tried again next time. */
export async function refreshPendingReplacements(): Promise<void> {
  const pending = await db().meisimSupplyReplacement.findMany({ where: { decision: "pending" } });
  for (const row of pending) {
    try {
      const status = await meisimClient().supply.replacementStatus(row.checkId);
      if (status.decision === "pending") continue;
      await db().meisimSupplyReplacement.update({
        where: { checkId: row.checkId },
        data: {
          decision: status.decision,
          validatorStatus: status.validatorStatus,
          message: status.message,
          replacementIccid: status.replacement?.iccid ?? null,
        },
      });
    } catch (error) {
      log.warn("meisim: replacement decision unreadable", { checkId: row.checkId, error });
    }
  }
}

export function listSupplyReplacements(take = 50): Promise<MeisimSupplyReplacement[]> {
  return db().meisimSupplyReplacement.findMany({ orderBy: { createdAt: "desc" }, take });
}

// ── Dealer wallet ──────────────────────────────────────────────────────

export const STATEMENT_COLUMNS = ["Date", "Type", "Amount USD", "Balance after USD", "Description", "Order ID", "Stripe session"] as const;

const usdText = (amountMinor: number) => (amountMinor / 100).toFixed(2);

/** The dealer statement for a date range (YYYY-MM-DD, MeiSIM's default is the last 90 days), as CSV. */
export async function dealerStatementCsv(range: { from?: string; to?: string }): Promise<string> {
  const rows = await meisimClient().wallet.statement(range);
  return exportCsv(
    rows.map((r) => [
      r.date,
      r.type,
      usdText(r.amount.amountMinor),
      usdText(r.balanceAfter.amountMinor),
      r.description,
      r.orderId ?? "",
      r.stripeSessionId ?? "",
    ]),
    { header: true, columns: [...STATEMENT_COLUMNS] },
  );
}

export function dealerTopupPreview(netMinor: number): Promise<StripeFee> {
  return meisimClient().wallet.topupPreview(netMinor);
}

/** Opens MeiSIM's Stripe checkout for a dealer wallet top-up ($50–$10,000); the admin is sent to its URL. */
export async function startDealerTopup(amountMinor: number, actor: AdminActor): Promise<StripeFee & { checkoutUrl: string }> {
  const topup = await meisimClient().wallet.topup(amountMinor);
  await audit(actor, "meisim.wallet.topup", "meisimWallet", null, {
    netMinor: topup.net.amountMinor,
    grossMinor: topup.gross.amountMinor,
    feeMinor: topup.fee.amountMinor,
  });
  return topup;
}

// ── SIM top-ups paid from the dealer wallet ────────────────────────────

export class MeisimToolInputError extends Error {}

/**
 * Recharges a SIM straight from the dealer wallet: the customer flow's
 * checks (network limits, phone or serial), then confirm, then recharge.
 */
export async function adminRecharge(
  input: { networkName: string; targetKind: TargetKind; target: string; faceValue: string },
  actor: AdminActor,
): Promise<RechargeResult> {
  const network = (await offeredNetworks()).find((n) => n.name === input.networkName);
  if (!network) throw new MeisimToolInputError("Choose a network from the list.");
  const target = parseTarget(input.targetKind, input.target);
  if (!target.ok) throw new MeisimToolInputError(target.error);
  const face = parseFaceValue(input.faceValue, network.limits);
  if (!face.ok) throw new MeisimToolInputError(face.error);
  const topup = meisimClient().topup;
  const confirmation = await topup.confirm({ networkName: network.name, ...target.value });
  // Audited before the recharge is sent: a lost answer still leaves the trace of who sent it.
  await audit(actor, "meisim.topup.recharge", "meisimTopup", network.name, {
    ...target.value,
    topUpMinor: face.value,
    currency: network.limits.currency,
  });
  return topup.recharge(confirmation, { topUpMinor: face.value });
}

export { offeredNetworks as topupNetworks };

// ── Resend, replace and revoke on MeiSIM orders ────────────────────────

export class MeisimOrderActionError extends Error {}

/** The card of a MeiSIM order of ours, and the MeiSIM order id that /dealer/resend-email and /dealer/replace take. */
async function meisimCard(otherOrderId: string, iccid: string): Promise<{ dealerOrderId: string }> {
  const order = await db().order.findUnique({ where: { otherOrderId }, include: { esims: { select: { iccid: true } } } });
  if (!order || order.provider !== "meisim") throw new MeisimOrderActionError("This is not a MeiSIM order.");
  if (!order.esims.some((e) => e.iccid === iccid)) throw new MeisimOrderActionError("That card is not on this order.");
  // Each card is its own MeiSIM order; the recent order history (last 100) maps the card to it.
  const record = (await meisimClient().account.orders()).find((o) => o.iccid === iccid);
  if (record) return { dealerOrderId: record.id };
  if (order.esims.length === 1 && order.providerOrderRef && order.providerOrderRef !== iccid)
    return { dealerOrderId: order.providerOrderRef };
  throw new MeisimOrderActionError("MeiSIM's recent order history (its last 100 orders) no longer lists this card.");
}

export async function resendMeisimEmail(input: { otherOrderId: string; iccid: string; email?: string }, actor: AdminActor) {
  const { dealerOrderId } = await meisimCard(input.otherOrderId, input.iccid);
  const result = await meisimClient().wallet.resendEmail(dealerOrderId, input.email);
  await audit(actor, "meisim.order.resend-email", "Order", input.otherOrderId, {
    iccid: input.iccid,
    dealerOrderId,
    sentTo: result.sentTo,
    feeMinor: result.fee?.amountMinor ?? null,
  });
  return result;
}

export async function replaceMeisimCard(input: { otherOrderId: string; iccid: string }, actor: AdminActor) {
  const { dealerOrderId } = await meisimCard(input.otherOrderId, input.iccid);
  const result = await meisimClient().wallet.replace(dealerOrderId);
  await audit(actor, "meisim.order.replace", "Order", input.otherOrderId, {
    iccid: input.iccid,
    dealerOrderId,
    replacementOrderId: result.orderId,
    totalMinor: result.total?.amountMinor ?? null,
  });
  return result;
}

export async function revokeMeisimCard(input: { otherOrderId: string; iccid: string }, actor: AdminActor): Promise<void> {
  await meisimCard(input.otherOrderId, input.iccid);
  await meisimClient().esim.revoke(input.iccid);
  await audit(actor, "meisim.order.revoke", "Order", input.otherOrderId, { iccid: input.iccid });
}

// ── Dealer key (OTP) and JWT login ─────────────────────────────────────

export function sendDealerOtp(email: string): Promise<void> {
  return meisimClient().auth.sendOtp(email);
}

/** Trades the emailed code for a dealer key, keeps it sealed, and returns it once for the admin to see. */
export async function verifyDealerOtp(input: { email: string; code: string }, actor: AdminActor): Promise<{ apiKey: string }> {
  const { apiKey } = await meisimClient().auth.verifyOtp(input.email, input.code);
  const sealed = sealSecret(apiKey);
  await db().$transaction(async (tx) => {
    await tx.meisimCredential.upsert({
      where: { name: DEALER_KEY },
      create: { name: DEALER_KEY, sealed, createdById: actor.actorId },
      update: { sealed, createdById: actor.actorId },
    });
    // The key itself never reaches the audit log or any log line.
    await recordAudit(
      {
        actorId: actor.actorId,
        action: "meisim.dealer-key.issued",
        entityType: "meisimCredential",
        entityId: DEALER_KEY,
        details: { reason: actor.reason, email: input.email },
        origin: actor.origin,
      },
      tx,
    );
  });
  forgetCachedDealerKey();
  return { apiKey };
}

/** Dealer password login: proves the credentials and reports the JWT's expiry (the token is not kept or shown). */
export async function dealerJwtLogin(input: { email: string; password: string }, actor: AdminActor): Promise<MeisimLogin> {
  const login = await meisimClient().auth.login(input.email, input.password);
  await audit(actor, "meisim.dealer.jwt-login", "meisimCredential", "dealer-jwt", { email: input.email });
  return login;
}

/**
 * The admin's MeiSIM tools against the MeiSIM simulator in its strict
 * dialect (only what the document shows): check batches, eSIM Supply, the
 * dealer wallet statement, order actions, and the dealer key kept sealed.
 */
import { describe, expect, it } from "vitest";
import {
  buySupply,
  checkBatchProgress,
  checkBatchResultsCsv,
  dealerStatementCsv,
  MeisimCheckKind,
  MeisimOrderActionError,
  parseLpaList,
  refreshPendingReplacements,
  replaceMeisimCard,
  requestSupplyReplacement,
  resendMeisimEmail,
  revokeMeisimCard,
  sendDealerOtp,
  submitValidatorBatch,
  submitVerificationBatch,
  supplySkus,
  supplyStock,
  verifyDealerOtp,
  type AdminActor,
} from "@/lib/admin/meisim-tools";
import { db } from "@/lib/db/client";
import { Role } from "@/lib/generated/prisma/client";
import { openSecret, sealSecret, storedDealerKey } from "@/lib/providers/credential-store";
import { parseCsv } from "@/lib/providers/meisim";
import { meisimClient } from "@/lib/providers/registry";
import { billingWorldPerFile } from "../support/fake-stripe";
import { catalogPlan, createCustomer, deliveredOrder, meisimDemoDealer, unique } from "../support/providers";

const billing = billingWorldPerFile({ PROVIDER_TIMEOUT_MS: "3000" }, "strict");
const sim = () => billing.providers.meisim;

async function adminActor(reason = "Testing the MeiSIM tools"): Promise<AdminActor> {
  const admin = await createCustomer(`meisim-admin-${unique()}`, Role.ADMIN);
  return { actorId: admin.id, reason, origin: { ip: "203.0.113.9", userAgent: "vitest" } };
}

const lpa = (code: string) => `LPA:1$t-mobile.idemia.io$${code}`;

describe("reading a list of LPAs", () => {
  it("takes pasted lines and a CSV with lpa and iccid columns", () => {
    expect(parseLpaList(`${lpa("AAA-1")}\n\n  ${lpa("BBB-2")}  \r\n`)).toEqual({
      ok: true,
      value: [{ lpa: lpa("AAA-1") }, { lpa: lpa("BBB-2") }],
    });
    expect(parseLpaList(`ICCID,LPA\n8901410000000000001,${lpa("CCC-3")}\n,${lpa("DDD-4")}\n`)).toEqual({
      ok: true,
      value: [{ iccid: "8901410000000000001", lpa: lpa("CCC-3") }, { lpa: lpa("DDD-4") }],
    });
  });

  it("refuses an empty list, a malformed LPA or ICCID (by line), and more than 50,000 rows", () => {
    expect(parseLpaList(" \n")).toEqual({ ok: false, error: "No LPAs provided." });
    expect(parseLpaList("lpa\n")).toEqual({ ok: false, error: "No LPAs provided." });
    const bad = parseLpaList(`${lpa("OK-1")}\nLPA:1$only-smdp\n`);
    expect(bad.ok ? null : bad.error).toMatch(/^line 2: "LPA:1\$only-smdp" is not an LPA/);
    const badIccid = parseLpaList(`iccid,lpa\n12345,${lpa("OK-2")}\n`);
    expect(badIccid.ok ? null : badIccid.error).toMatch(/^line 2: "12345" is not an ICCID/);
    const many = parseLpaList(Array.from({ length: 50_001 }, (_, i) => lpa(`N-${i}`)).join("\n"));
    expect(many.ok ? null : many.error).toMatch(/at most 50,000/);
    expect(parseLpaList(Array.from({ length: 50_000 }, (_, i) => lpa(`N-${i}`)).join("\n")).ok).toBe(true);
  });
});

describe("check batches", () => {
  it("submits a verification batch, records it with an audit line, follows it to completion and writes its results as CSV", async () => {
    const actor = await adminActor("Check returned stock");
    const balanceBefore = meisimDemoDealer(sim()).balanceCents;
    const rows = [{ lpa: lpa(`V1-${unique()}`) }, { lpa: lpa(`V2-${unique()}`) }, { lpa: lpa(`V3-${unique()}`) }];

    const batch = await submitVerificationBatch({ rows }, actor);

    expect(batch).toMatchObject({ kind: MeisimCheckKind.VERIFICATION, totalRows: 3, chargedMinor: 300, createdById: actor.actorId });
    expect(meisimDemoDealer(sim()).balanceCents).toBe(balanceBefore - 300);
    const audit = await db().auditLog.findFirstOrThrow({ where: { entityType: "meisimCheckBatch", entityId: batch.id } });
    expect(audit).toMatchObject({ actorId: actor.actorId, action: "meisim.verification.submit", ip: "203.0.113.9" });
    expect(audit.details).toMatchObject({ reason: "Check returned stock", totalRows: 3 });

    const running = parseCsv(await checkBatchResultsCsv(batch));
    expect(running[0]).toEqual(["iccid", "lpa", "status", "reason", "checked_at"]);
    expect(running.slice(1).map((r) => r[1])).toEqual(rows.map((r) => r.lpa));

    sim().state.advance(60_000);
    expect((await checkBatchProgress(batch)).done).toBe(true);
    const done = parseCsv(await checkBatchResultsCsv(batch)).slice(1);
    expect(done).toHaveLength(3);
    for (const [, , status] of done) expect(["available", "used", "invalid", "error", "unknown"]).toContain(status);
  });

  it("submits a Validator batch at the SKU's per-row price", async () => {
    const actor = await adminActor();
    const [sku] = await meisimClient().validator.skus();
    const batch = await submitValidatorBatch(
      { skuId: sku!.id, label: `t-${unique()}`, rows: [{ iccid: "8901410000000000777", lpa: lpa(`VAL-${unique()}`) }] },
      actor,
    );
    expect(batch).toMatchObject({ kind: MeisimCheckKind.VALIDATOR, totalRows: 1, chargedMinor: 15 });
    sim().state.advance(60_000);
    const results = parseCsv(await checkBatchResultsCsv(batch)).slice(1);
    expect(results).toEqual([
      [expect.any(String), expect.stringContaining("VAL-"), expect.not.stringMatching(/^pending$/), expect.any(String), expect.any(String)],
    ]);
  });
});

describe("eSIM Supply", () => {
  it("shows a short fill as partial, charges only what was filled, and audits it", async () => {
    const actor = await adminActor("Restock the shop");
    const [sku] = await supplySkus();
    sim().state.supply.restock(3);
    const { available } = await supplyStock();
    const balanceBefore = meisimDemoDealer(sim()).balanceCents;

    const purchase = await buySupply({ skuId: sku!.id, quantity: available + 2 }, actor);

    expect(purchase).toMatchObject({ partial: true, quantityOrdered: available + 2, quantityFilled: available });
    expect(purchase.esims).toHaveLength(available);
    expect(meisimDemoDealer(sim()).balanceCents).toBe(balanceBefore - purchase.cost.amountMinor);
    expect(purchase.cost.amountMinor).toBe(available * 4_00);
    expect((await supplyStock()).available).toBe(0);
    const audit = await db().auditLog.findFirstOrThrow({
      where: { entityType: "meisimSupplyPurchase", entityId: String(purchase.usageId) },
    });
    expect(audit.details).toMatchObject({ reason: "Restock the shop", partial: true, quantityFilled: available });
  });

  it("requests a replacement and reads its decision once MeiSIM has checked", async () => {
    const actor = await adminActor();
    const [sku] = await supplySkus();
    sim().state.supply.restock(2);
    const { esims } = await buySupply({ skuId: sku!.id, quantity: 1 }, actor);

    const row = await requestSupplyReplacement(esims[0]!.iccid, actor);
    expect(row.decision).toBe("pending");
    sim().state.advance(60_000);
    await refreshPendingReplacements();

    const decided = await db().meisimSupplyReplacement.findUniqueOrThrow({ where: { checkId: row.checkId } });
    expect(decided.decision).not.toBe("pending");
    expect(["install_again", "replaced", "awaiting_restock", "admin_review"]).toContain(decided.decision);
    if (decided.decision === "replaced") expect(decided.replacementIccid).toMatch(/^\d{18,22}$/);
  });
});

describe("the dealer wallet statement", () => {
  it("writes MeiSIM's columns for a date range", async () => {
    const today = new Date(sim().state.now()).toISOString().slice(0, 10);
    const records = parseCsv(await dealerStatementCsv({ from: "2020-01-01", to: today }));
    expect(records[0]).toEqual(["Date", "Type", "Amount USD", "Balance after USD", "Description", "Order ID", "Stripe session"]);
    expect(records.length).toBeGreaterThan(1);
    for (const r of records.slice(1)) expect(r[2]).toMatch(/^-?\d+\.\d\d$/);
  });
});

describe("actions on a MeiSIM order", () => {
  it("resends the email, replaces and revokes a card of the order, each audited on the order", async () => {
    const actor = await adminActor("Customer asked");
    const user = await createCustomer(`meisim-order-${unique()}`);
    const { order, iccid } = await deliveredOrder(user.id, (await catalogPlan({ provider: "meisim", planRef: "esim_1gb_7days_jp" })).id);
    const balanceBefore = meisimDemoDealer(sim()).balanceCents;

    // The strict dialect answers resend and replace with nothing the document names, so the wallet shows what happened.
    await resendMeisimEmail({ otherOrderId: order.otherOrderId, iccid }, actor);
    expect(meisimDemoDealer(sim()).balanceCents).toBe(balanceBefore - 1_00);
    const ordersBefore = sim().state.orders.length;
    await replaceMeisimCard({ otherOrderId: order.otherOrderId, iccid }, actor);
    expect(sim().state.orders.length).toBe(ordersBefore + 1);
    expect(meisimDemoDealer(sim()).balanceCents).toBeLessThan(balanceBefore - 1_00);
    await revokeMeisimCard({ otherOrderId: order.otherOrderId, iccid }, actor);

    const actions = await db().auditLog.findMany({ where: { entityType: "Order", entityId: order.otherOrderId, actorId: actor.actorId } });
    expect(actions.map((a) => a.action).sort()).toEqual(["meisim.order.replace", "meisim.order.resend-email", "meisim.order.revoke"]);
  });

  it("refuses a card that is not on the order", async () => {
    const actor = await adminActor();
    const user = await createCustomer(`meisim-order-${unique()}`);
    const { order } = await deliveredOrder(user.id, (await catalogPlan({ provider: "meisim", planRef: "esim_1gb_7days_jp" })).id);
    await expect(revokeMeisimCard({ otherOrderId: order.otherOrderId, iccid: "8901410999999999999" }, actor)).rejects.toThrow(
      MeisimOrderActionError,
    );
  });
});

describe("the dealer key", () => {
  it("seals with AES-GCM: round-trips, differs each time, and refuses a tampered value", () => {
    const a = sealSecret("dk_secret");
    expect(openSecret(a)).toBe("dk_secret");
    expect(sealSecret("dk_secret")).not.toBe(a);
    const bytes = Buffer.from(a, "base64url");
    bytes[14]! ^= 1;
    expect(() => openSecret(bytes.toString("base64url"))).toThrow();
  });

  it("stores the key from the OTP flow only sealed, and keeps it out of the audit log", async () => {
    const actor = await adminActor("Rotate the key");
    const email = "dealer@demo.test";
    await sendDealerOtp(email);
    const { apiKey } = await verifyDealerOtp({ email, code: sim().state.lastOtp(email)! }, actor);

    expect(apiKey).toBe(meisimDemoDealer(sim()).apiKey);
    const row = await db().meisimCredential.findUniqueOrThrow({ where: { name: "dealer-key" } });
    expect(row.sealed).not.toContain(apiKey);
    expect(await storedDealerKey()).toBe(apiKey);
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "meisim.dealer-key.issued", actorId: actor.actorId } });
    expect(JSON.stringify(audit.details)).not.toContain(apiKey);
  });
});

import { describe, expect, it } from "vitest";
import { MeisimNotFoundError, MeisimVendorError, type MeisimClient } from "@/lib/providers/meisim";
import { ALL_DIALECTS, clientFor, useSimulator } from "./harness";

async function buy(client: MeisimClient, quantity: number) {
  const [sku] = await client.supply.skus();
  return client.supply.buy({ skuId: sku!.id, quantity });
}

describe.each(ALL_DIALECTS)("MeiSIM eSIM Supply, %s dialect", (dialect) => {
  const sim = useSimulator({ dialect, supplyStock: 25, replacementCheckMs: 1_000 });
  const balance = async (client: MeisimClient) => (await client.wallet.wallet()).balance.amountMinor;

  it("sells from stock at the SKU price", async () => {
    const client = clientFor(sim.current.url);
    const [sku] = await client.supply.skus();
    // The SKU list has no documented shape: id and price are read in every wording, carrier when given.
    expect(sku).toMatchObject({ id: "6f1c2a7e-0b7d-4c1e-9a51-att0qr000001", price: { amountMinor: 4_00, currency: "USD" } });
    if (dialect !== "strict") expect(sku).toMatchObject({ carrier: "att", planType: "qr" });
    expect((await client.supply.stock())["att.qr.available"]).toBe(25);

    const purchase = await client.supply.buy({ skuId: sku!.id, quantity: 10 });
    expect(purchase).toMatchObject({
      status: "succeeded",
      quantityOrdered: 10,
      quantityFilled: 10,
      partial: false,
      cost: { amountMinor: 40_00 },
    });
    expect(new Set(purchase.esims.map((e) => e.iccid)).size).toBe(10);
    expect(purchase.esims[0]!.lpa).toMatch(/^LPA:1\$/);
    expect(await client.supply.stock()).toMatchObject({ "att.qr.available": 15, "att.qr.sold": 10 });
    expect(await balance(client)).toBe(460_00);
  });

  it("reports a partial fill and credits the shortfall", async () => {
    const client = clientFor(sim.current.url);
    await buy(client, 20);
    const partial = await buy(client, 10);
    expect(partial).toMatchObject({ quantityOrdered: 10, quantityFilled: 5, partial: true, cost: { amountMinor: 20_00 } });
    expect(await balance(client)).toBe(500_00 - 25 * 4_00);
  });

  it("fails with VENDOR_ERROR when stock is zero and refunds the debit", async () => {
    const client = clientFor(sim.current.url);
    await buy(client, 25);
    const err = await buy(client, 3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeisimVendorError);
    expect(err).toMatchObject({ apiError: "VENDOR_ERROR" });
    expect(await balance(client)).toBe(400_00);
    const [refund, debit] = (await client.wallet.wallet()).transactions;
    expect([debit!.amount.amountMinor, refund!.amount.amountMinor]).toEqual([-12_00, 12_00]);
  });

  it("pages through my eSIMs, newest first", async () => {
    const client = clientFor(sim.current.url);
    await buy(client, 5);
    sim.current.state.advance(1_000);
    const newer = await buy(client, 20);
    const page = await client.supply.myEsims({ limit: 10, offset: 0 });
    expect(page).toMatchObject({ total: 25, limit: 10, offset: 0 });
    expect(page.esims[0]!.soldViaUsageId).toBe(newer.usageId);

    const progress: number[] = [];
    const sim100 = await client.supply.allMyEsims({ onProgress: (p) => progress.push(p.done) });
    expect(sim100).toHaveLength(25);
    expect(new Set(sim100.map((e) => e.iccid)).size).toBe(25);
    expect(progress.at(-1)).toBe(25);
    await expect(client.supply.myEsims({ limit: 101 })).rejects.toThrow(/limit/);
  });

  it.each([
    ["used", "replaced"],
    ["available", "install_again"],
    ["error", "admin_review"],
  ] as const)("decides a replacement request from the validator's %s verdict: %s", async (verdict, decision) => {
    const client = clientFor(sim.current.url);
    const { esims } = await buy(client, 1);
    const broken = esims[0]!.iccid;
    sim.current.state.checks.forced.set(broken, verdict);

    const { checkId } = await client.supply.requestReplacement(broken);
    expect(await client.supply.replacementStatus(checkId)).toMatchObject({ decision: "pending", validatorStatus: "in_progress" });
    sim.current.state.advance(1_000);
    const status = await client.supply.replacementStatus(checkId);
    expect(status).toMatchObject({ decision, validatorStatus: verdict });
    if (decision === "replaced") {
      expect(status.replacement!.iccid).not.toBe(broken);
      expect((await client.supply.stock())["att.qr.burned"]).toBe(1);
    } else {
      expect(status.replacement).toBeNull();
    }
  });

  it("waits for restock when a used eSIM has no replacement in stock", async () => {
    const client = clientFor(sim.current.url);
    const { esims } = await buy(client, 25);
    sim.current.state.checks.forced.set(esims[0]!.iccid, "used");
    const { checkId } = await client.supply.requestReplacement(esims[0]!.iccid);
    const timer = setTimeout(() => sim.current.state.advance(1_000), 30);
    const status = await client.supply.waitForReplacement(checkId, { intervalMs: 10, timeoutMs: 5_000 });
    clearTimeout(timer);
    expect(status.decision).toBe("awaiting_restock");
  });

  it("answers 404 for an eSIM that is not ours", async () => {
    await expect(clientFor(sim.current.url).supply.requestReplacement("8901410999999999999")).rejects.toBeInstanceOf(MeisimNotFoundError);
  });
});
